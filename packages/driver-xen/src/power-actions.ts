import { DriverInternal, type PowerOperation, type PowerState } from "@novakit/driver-api";
import type { InstanceView } from "./instances.js";
import type { StateDir } from "./state-dir.js";
import { domainName } from "./xl/domain-config.js";
import type { Xl } from "./xl/xl.js";
import type { XlListRow } from "./xl/xl-output.js";

/** What the power operations need of the driver. */
export interface PowerContext {
  readonly xl: Xl;
  readonly state: StateDir;
  readonly rebootTimeoutMs: number;
  readonly signal: AbortSignal;
}

/** How often a wait for a domain's change looks again. */
const WAIT_STEP_MS = 200;

/**
 * Waits until the domain's row satisfies `done` (undefined: no domain) or
 * `ms` pass; resolves with the last row read and whether it got there.
 */
export async function waitForDomain(
  ctx: PowerContext,
  uuid: string,
  done: (row: XlListRow | undefined) => boolean,
  ms: number,
): Promise<{ row: XlListRow | undefined; reached: boolean }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const row = await ctx.xl.row(domainName(uuid), ctx.signal);
    if (done(row)) return { row, reached: true };
    if (Date.now() >= deadline) return { row, reached: false };
    await sleep(Math.min(WAIT_STEP_MS, Math.max(1, deadline - Date.now())), ctx.signal);
  }
}

/** `xl create` of the instance's committed config, under its lock. */
export async function createDomain(
  ctx: PowerContext,
  uuid: string,
  file = "domain.cfg",
): Promise<void> {
  const args = ["create", `${ctx.state.dir(uuid)}/${file}`];
  const [program, ...rest] = ctx.xl.argv(args);
  ctx.xl.check(args, await ctx.state.locked(ctx.state.dir(uuid), program, rest, ctx.signal));
}

/** Kills the instance's domain, if it has one; resolves once xl no longer lists it. */
export async function destroyDomain(ctx: PowerContext, uuid: string): Promise<void> {
  await ctx.xl.onDomain("destroy", domainName(uuid), ctx.signal);
  const { reached } = await waitForDomain(ctx, uuid, (row) => row === undefined, 30_000);
  if (!reached)
    throw new DriverInternal(`xl destroy exited, but domain ${domainName(uuid)} is still listed`);
}

/**
 * The xl steps of each power operation from each state it moves from. The
 * caller has checked the contract's table and reads the state back after.
 */
export async function act(
  ctx: PowerContext,
  operation: PowerOperation,
  view: InstanceView,
  graceMs = 0,
): Promise<void> {
  const { uuid } = view;
  const name = domainName(uuid);
  const from: PowerState = view.state;
  switch (operation) {
    case "pause":
      await ctx.xl.run(["pause", name], ctx.signal);
      return;
    case "unpause":
      await ctx.xl.run(["unpause", name], ctx.signal);
      return;
    case "suspend":
      // xl save writes the image, then destroys the domain; the image is
      // renamed into place only once it is whole.
      await ctx.state.remove(uuid, "save.part");
      await ctx.xl.run(["save", name, ctx.state.path(uuid, "save.part")], ctx.signal);
      await waitForDomain(ctx, uuid, (row) => row === undefined, 30_000);
      await ctx.state.rename(uuid, "save.part", "save");
      return;
    case "resume": {
      const args = ["restore", ctx.state.path(uuid, "save")];
      const [program, ...rest] = ctx.xl.argv(args);
      ctx.xl.check(args, await ctx.state.locked(ctx.state.dir(uuid), program, rest, ctx.signal));
      await ctx.state.remove(uuid, "save");
      return;
    }
    case "powerOn":
      if (from === "crashed") await destroyDomain(ctx, uuid);
      await createDomain(ctx, uuid);
      return;
    case "powerOff":
      return powerOff(ctx, view, graceMs);
    case "rebootSoft":
      return rebootSoft(ctx, view);
    case "rebootHard":
      if (from === "suspended") await ctx.state.remove(uuid, "save");
      else if (from !== "stopped") await destroyDomain(ctx, uuid);
      await createDomain(ctx, uuid);
      return;
  }
}

/**
 * `xl shutdown` asks the guest and returns; `-w` would wait with no limit
 * of its own. So the driver asks, watches the domain for `graceMs`, and
 * destroys it when the guest has not gone by then.
 */
async function powerOff(ctx: PowerContext, view: InstanceView, graceMs: number): Promise<void> {
  const { uuid } = view;
  if (view.state === "suspended") {
    await ctx.state.remove(uuid, "save");
    return;
  }
  if (view.state === "running" && graceMs > 0) {
    const asked = await ctx.xl
      .onDomain("shutdown", domainName(uuid), ctx.signal)
      .catch(() => false);
    if (asked) {
      const { reached } = await waitForDomain(ctx, uuid, (row) => row === undefined, graceMs);
      if (reached) return;
    }
  }
  await destroyDomain(ctx, uuid);
}

/**
 * `xl reboot` asks the guest; a guest that restarts comes back as a new
 * domain (a new id, the same UUID). One that has not by the timeout is
 * reset: destroyed and created again, as a hard reboot would.
 */
async function rebootSoft(ctx: PowerContext, view: InstanceView): Promise<void> {
  const before = view.row?.domid;
  await ctx.xl.run(["reboot", domainName(view.uuid)], ctx.signal);
  const { reached } = await waitForDomain(
    ctx,
    view.uuid,
    // The new domain is built paused, then let run: running means neither.
    (row) => row !== undefined && row.domid !== before && !/[dscp]/.test(row.state),
    ctx.rebootTimeoutMs,
  );
  if (reached) return;
  await destroyDomain(ctx, view.uuid);
  await createDomain(ctx, view.uuid);
}

/** Waits `ms`, rejecting with the signal's reason if it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
