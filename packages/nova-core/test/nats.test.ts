import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TransportUnavailable } from "../src/errors.js";
import { openNats } from "../src/rpc/nats-transport.js";
import { natsAvailable } from "./engines.js";
import { transportSuite } from "./transport-suite.js";

// The transport suite and the rolling-upgrade test again, on NATS. Skipped,
// saying so, where no server answers at NOVA_NATS_URL (./dev test starts
// one with scripts/nats/start.sh).
const available = await natsAvailable();
if (available) {
  const url = process.env.NOVA_NATS_URL as string;
  transportSuite("nats", () =>
    openNats(url, { prefix: `suite${randomBytes(4).toString("hex")}.` }),
  );
  process.env.NOVA_TEST_TRANSPORT = "nats";
  await import("./upgrade.test.js");
} else {
  describe.skip("transport: nats (no server answers at NOVA_NATS_URL)", () => {
    it("is skipped", () => {});
  });
}

describe("a NATS that does not answer", () => {
  it("is one line saying which and how to start one", async () => {
    const err = await openNats("nats://127.0.0.1:1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportUnavailable);
    expect((err as Error).message).toMatch(
      /^nats transport unavailable: nats:\/\/127\.0\.0\.1:1 does not answer: .*scripts\/nats\/start\.sh/,
    );
  });
});
