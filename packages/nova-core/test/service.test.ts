import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cloud } from "../src/cloud.js";
import { InvalidInput, NovaErrorCode } from "../src/errors.js";
import { bootMany, caller, testCloud } from "./helpers.js";

const good = { name: "web", flavorId: "m1.small", imageId: "cirros" };

describe("the service layer refuses bad input, naming the field, and creates nothing", () => {
  let cloud: Cloud;
  beforeAll(async () => {
    cloud = await testCloud(1);
  });
  afterAll(async () => {
    await cloud.close();
  });

  const cases: [string, Record<string, unknown> | unknown, string][] = [
    ["a body that is not an object", "create me", "body"],
    ["a missing name", { flavorId: "m1.small", imageId: "cirros" }, "name"],
    ["an empty name", { ...good, name: "" }, "name"],
    ["a name with a NUL", { ...good, name: "a\u0000b" }, "name"],
    ["a name with an escape sequence", { ...good, name: "\u001b[31mred" }, "name"],
    ["a name with a direction override", { ...good, name: "abc\u202Egnp.exe" }, "name"],
    ["a name with a lone surrogate", { ...good, name: "a\ud800b" }, "name"],
    ["a name with leading spaces", { ...good, name: "  web" }, "name"],
    ["a name of 256 characters", { ...good, name: "x".repeat(256) }, "name"],
    ["a name that is a number", { ...good, name: 42 }, "name"],
    ["an unknown field", { ...good, adminPass: "x" }, "adminPass"],
    ["metadata that is a list", { ...good, metadata: ["a"] }, "metadata"],
    ["metadata with a non-string value", { ...good, metadata: { a: 1 } }, "metadata/a"],
    [
      "metadata with 129 items",
      {
        ...good,
        metadata: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, "v"])),
      },
      "metadata",
    ],
    ["a server group that is not a UUID", { ...good, serverGroupId: "group-1" }, "serverGroupId"],
  ];

  for (const [what, body, field] of cases) {
    it(`refuses ${what}`, async () => {
      const err = await cloud.service.create(caller, body).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInput);
      expect((err as InvalidInput).field).toBe(field);
      expect(await cloud.engine.db.selectFrom("instances").select("uuid").execute()).toEqual([]);
    });
  }

  it("refuses an unknown flavor, image or server group with NotFound naming the field", async () => {
    for (const [body, field] of [
      [{ ...good, flavorId: "m9.huge" }, "flavorId"],
      [{ ...good, imageId: "windows" }, "imageId"],
      [{ ...good, serverGroupId: "00000000-0000-4000-8000-000000000000" }, "serverGroupId"],
    ] as const) {
      await expect(cloud.service.create(caller, body)).rejects.toMatchObject({
        code: NovaErrorCode.NotFound,
        fields: { field },
      });
    }
    expect(await cloud.engine.db.selectFrom("instances").select("uuid").execute()).toEqual([]);
    expect(await cloud.engine.db.selectFrom("instance_actions").select("id").execute()).toEqual([]);
  });

  it("refuses a UUID that is not one, an unknown action, and another project's instance", async () => {
    await expect(cloud.service.show(caller, "not-a-uuid")).rejects.toMatchObject({
      code: NovaErrorCode.InvalidInput,
      fields: { field: "uuid" },
    });
    await expect(cloud.service.stop(caller, "../../etc/passwd")).rejects.toMatchObject({
      fields: { field: "uuid" },
    });
    const [uuid] = await bootMany(cloud, 1);
    await expect(cloud.service.action(caller, uuid, "explode")).rejects.toMatchObject({
      fields: { field: "action" },
    });
    await expect(
      cloud.service.show({ projectId: "other", userId: "x" }, uuid),
    ).rejects.toMatchObject({ code: NovaErrorCode.NotFound });
    await expect(cloud.service.show(caller, uuid?.toUpperCase())).resolves.toMatchObject({ uuid });
  });

  it("refuses an action the state forbids with InstanceConflict naming the state", async () => {
    const [uuid] = await bootMany(cloud, 1);
    await expect(cloud.service.start(caller, uuid)).rejects.toMatchObject({
      code: NovaErrorCode.InstanceConflict,
      fields: { uuid, action: "start", vmState: "active", taskState: null },
    });
    await expect(cloud.service.resume(caller, uuid)).rejects.toMatchObject({
      fields: { action: "resume", vmState: "active" },
    });
  });

  it("keeps hostile text that is allowed exactly as given, and display names are not keys", async () => {
    const name = "'; DROP TABLE instances; -- <script>\u00e9\u{1F600}";
    const [a, b] = await bootMany(cloud, 2, {
      name,
      metadata: { "k\u00e9y": "v'\"\\", empty: "" },
    });
    const [x, y] = await Promise.all([
      cloud.service.show(caller, a),
      cloud.service.show(caller, b),
    ]);
    expect(x.displayName).toBe(name);
    expect(y.displayName).toBe(name);
    expect(x.uuid).not.toBe(y.uuid);
    expect(x.metadata).toEqual({ "k\u00e9y": "v'\"\\", empty: "" });
    const info = await cloud.computes.get(x.host ?? "")?.driverClient?.getInstanceInfo(x.uuid);
    expect(info?.name).toBe(name);
  });

  it("lists a project's instances a page at a time, and refuses a bad limit or marker", async () => {
    const before = await cloud.service.list(caller);
    await bootMany(cloud, 3);
    const all = await cloud.service.list(caller);
    expect(all).toHaveLength(before.length + 3);
    const first = await cloud.service.list(caller, { limit: 2 });
    expect(first.map((i) => i.uuid)).toEqual(all.slice(0, 2).map((i) => i.uuid));
    const next = await cloud.service.list(caller, { limit: 2, marker: first[1]?.uuid });
    expect(next.map((i) => i.uuid)).toEqual(all.slice(2, 4).map((i) => i.uuid));
    expect(await cloud.service.list({ projectId: "someone-else", userId: "x" })).toEqual([]);
    await expect(cloud.service.list(caller, { limit: 0 })).rejects.toMatchObject({
      fields: { field: "limit" },
    });
    await expect(cloud.service.list(caller, { marker: "nope" })).rejects.toMatchObject({
      fields: { field: "marker" },
    });
  });
});
