import type { Instances } from "./instances.js";
import type { PowerContext } from "./power-actions.js";
import { domainName, uuidOfDomainName } from "./xl/domain-config.js";

/**
 * What a driver process killed halfway left behind, found by what only
 * this driver makes, and removed so nothing leaks and a retried spawn of
 * the UUID succeeds:
 *
 * - an instance directory with no committed domain.cfg: a spawn cut off
 *   (the core never got its answer). Moved aside first, so an xl create
 *   that outlived its driver cannot start it again; then its domain is
 *   destroyed under the instance's lock, which waits for such an xl to end.
 * - a trash directory: a destroy cut off; finished the same way.
 * - a domain named nk-<uuid>, with that UUID, and no instance directory:
 *   what either left running.
 * - a save.part beside a committed config: a suspend cut off (the
 *   instance is stopped: its image was never committed).
 *
 * Assumes one driver per state directory, as a compute host runs one.
 */
export async function removeLeftovers(ctx: PowerContext, instances: Instances): Promise<string[]> {
  const removed: string[] = [];
  const { state, xl } = ctx;
  const destroyUnder = async (dir: string, uuid: string) => {
    const args = ["destroy", domainName(uuid)];
    const [program, ...rest] = xl.argv(args);
    await state.locked(dir, program, rest, ctx.signal);
  };
  const scan = await state.scan();
  for (const [uuid, files] of scan.instances) {
    if (files.has("domain.cfg")) {
      if (files.has("save.part")) {
        await state.remove(uuid, "save.part");
        removed.push(`unfinished save image of ${uuid}`);
      }
      if ((await instances.record(uuid, files)) !== undefined) continue;
    }
    const trash = await state.discard(uuid);
    if (trash === undefined) continue;
    await destroyUnder(trash.path, uuid);
    await state.removeTrash(trash);
    removed.push(`cut-off spawn of ${uuid}`);
  }
  for (const trash of scan.trash) {
    await destroyUnder(trash.path, trash.uuid);
    await state.removeTrash(trash);
    removed.push(`cut-off destroy of ${trash.uuid}`);
  }
  const kept = new Set((await state.scan()).instances.keys());
  for (const row of await xl.list(ctx.signal)) {
    const uuid = uuidOfDomainName(row.name);
    if (uuid === undefined || kept.has(uuid)) continue;
    const details = await xl.details(row.name, ctx.signal);
    if (details?.uuid !== uuid) continue; // named like ours, but not made by novakit
    await xl.onDomain("destroy", row.name, ctx.signal);
    removed.push(`domain ${row.name} without an instance`);
  }
  return removed;
}
