import { randomUUID } from "node:crypto";
import type { SpawnRequest } from "@novakit/driver-api";
import { expect } from "vitest";
import { check, requireCapability } from "../check.js";
import type { SuiteContext } from "../context.js";
import { PER_INSTANCE_OPERATIONS } from "./operations.js";

type Mutation = (request: SpawnRequest) => unknown;

/** One bad field per case, and the JSON Pointer the error must name. */
const BAD_REQUESTS: readonly [label: string, path: string, mutate: Mutation][] = [
  ["uuid that is not a UUID", "/uuid", (r) => ({ ...r, uuid: "not-a-uuid" })],
  ["upper-case uuid", "/uuid", (r) => ({ ...r, uuid: r.uuid.toUpperCase() })],
  ["empty name", "/name", (r) => ({ ...r, name: "" })],
  ["name with NUL", "/name", (r) => ({ ...r, name: "a\u0000b" })],
  ["name of 256 characters", "/name", (r) => ({ ...r, name: "n".repeat(256) })],
  ["missing flavor", "/flavor", ({ flavor: _, ...r }) => r],
  ["0 vCPUs", "/flavor/vcpus", (r) => ({ ...r, flavor: { ...r.flavor, vcpus: 0 } })],
  ["fractional vCPUs", "/flavor/vcpus", (r) => ({ ...r, flavor: { ...r.flavor, vcpus: 1.5 } })],
  [
    "32 MiB of memory",
    "/flavor/memoryMiB",
    (r) => ({ ...r, flavor: { ...r.flavor, memoryMiB: 32 } }),
  ],
  [
    "memory as a string",
    "/flavor/memoryMiB",
    (r) => ({ ...r, flavor: { ...r.flavor, memoryMiB: "512" } }),
  ],
  [
    "negative root disk",
    "/flavor/rootDiskGiB",
    (r) => ({ ...r, flavor: { ...r.flavor, rootDiskGiB: -1 } }),
  ],
  ["unknown flavor field", "/flavor/gpus", (r) => ({ ...r, flavor: { ...r.flavor, gpus: 1 } })],
  ["unknown top-level field", "/hostname", (r) => ({ ...r, hostname: "elsewhere" })],
  ["bad image format", "/image/format", (r) => ({ ...r, image: { ...r.image, format: "vmdk" } })],
  ["missing owner", "/owner", ({ owner: _, ...r }) => r],
  [
    "metadata value that is a number",
    "/metadata/count",
    (r) => ({ ...r, metadata: { ...r.metadata, count: 3 } }),
  ],
  [
    "metadata value of 256 characters",
    "/metadata/long",
    (r) => ({ ...r, metadata: { ...r.metadata, long: "v".repeat(256) } }),
  ],
  [
    "129 metadata entries",
    "/metadata",
    (r) => ({
      ...r,
      metadata: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, "v"])),
    }),
  ],
  [
    "bad MAC address",
    "/networks/0/macAddress",
    (r) => ({
      ...r,
      networks: [{ id: "port-1", network: "default", macAddress: "52:54:00:zz:00:01" }],
    }),
  ],
];

export function inputTests(ctx: SuiteContext): void {
  for (const [label, path, mutate] of BAD_REQUESTS) {
    check(
      "C-INPUT-1",
      async () => {
        const request = ctx.request();
        ctx.track(request.uuid);
        const countBefore = (await ctx.client.listInstances(ctx.call())).length;
        await expect(
          ctx.client.spawn(mutate(request) as SpawnRequest, ctx.call()),
        ).rejects.toMatchObject({
          code: "NOVAKIT_INVALID_SPEC",
          path,
        });
        expect(await ctx.exists(request.uuid), "nothing was created").toBe(false);
        expect((await ctx.client.listInstances(ctx.call())).length).toBe(countBefore);
      },
      `spawn with ${label} is refused at ${path}`,
    );
  }

  for (const [name, call, capability] of PER_INSTANCE_OPERATIONS) {
    check(
      "C-INPUT-2",
      async (t) => {
        if (capability !== undefined) requireCapability(ctx, t, capability);
        await expect(call(ctx, randomUUID())).rejects.toMatchObject({
          code: "NOVAKIT_INSTANCE_NOT_FOUND",
        });
      },
      `${name} of an unknown UUID rejects with InstanceNotFound`,
    );
  }
}
