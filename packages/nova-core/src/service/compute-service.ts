import { randomUUID } from "node:crypto";
import type { ConductorRpcClient } from "../conductor/rpcapi.js";
import { InvalidInput } from "../errors.js";
import type { Instance } from "../objects/instance.js";
import type { ActionView } from "../objects/instance-action.js";
import type { RequestContext } from "../rpc/message.js";
import { INSTANCE_ACTIONS, type InstanceAction } from "../state/instance-states.js";
import { checkCreateRequest, checkText, checkUuid } from "./validation.js";

/** Who is calling; the request id is made when absent. @public */
export interface Caller {
  readonly projectId: string;
  readonly userId: string;
  readonly requestId?: string;
  /** The caller holds the admin role (the API's policy decides who does). */
  readonly isAdmin?: boolean;
}

/**
 * The service layer: what the REST API (nova-core part 2) will call. Every
 * entry checks its input and names the bad field; state conflicts come back
 * from the conductor as InstanceConflict naming the state. Create and the
 * actions return once accepted (Nova's 202): the instance is then being
 * built or acted on, and its notifications say when that is done. Every
 * entry is async: bad input rejects, it never throws.
 *
 * @public
 */
export class ComputeService {
  readonly #conductor: ConductorRpcClient;

  constructor(conductor: ConductorRpcClient) {
    this.#conductor = conductor;
  }

  async create(caller: Caller, request: unknown): Promise<Instance> {
    const ctx = context(caller);
    return this.#conductor.buildInstance(ctx, checkCreateRequest(request));
  }

  async delete(caller: Caller, uuid: unknown): Promise<Instance> {
    return this.action(caller, uuid, "delete");
  }

  async reboot(caller: Caller, uuid: unknown, type: "soft" | "hard" = "soft"): Promise<Instance> {
    if (type !== "soft" && type !== "hard")
      throw new InvalidInput("type", 'must be "soft" or "hard"');
    return this.action(caller, uuid, type === "soft" ? "reboot_soft" : "reboot_hard");
  }

  async stop(caller: Caller, uuid: unknown): Promise<Instance> {
    return this.action(caller, uuid, "stop");
  }
  async start(caller: Caller, uuid: unknown): Promise<Instance> {
    return this.action(caller, uuid, "start");
  }
  async pause(caller: Caller, uuid: unknown): Promise<Instance> {
    return this.action(caller, uuid, "pause");
  }
  async unpause(caller: Caller, uuid: unknown): Promise<Instance> {
    return this.action(caller, uuid, "unpause");
  }
  async suspend(caller: Caller, uuid: unknown): Promise<Instance> {
    return this.action(caller, uuid, "suspend");
  }
  async resume(caller: Caller, uuid: unknown): Promise<Instance> {
    return this.action(caller, uuid, "resume");
  }

  /** Any action of the table, by name. */
  async action(caller: Caller, uuid: unknown, action: unknown): Promise<Instance> {
    const ctx = context(caller);
    const id = checkUuid(uuid);
    if (typeof action !== "string" || !(INSTANCE_ACTIONS as readonly string[]).includes(action)) {
      throw new InvalidInput("action", `must be one of ${INSTANCE_ACTIONS.join(", ")}`);
    }
    return this.#conductor.startAction(ctx, id, action as InstanceAction);
  }

  async show(caller: Caller, uuid: unknown): Promise<Instance> {
    return this.#conductor.getInstance(context(caller), checkUuid(uuid));
  }

  /**
   * The caller's project's instances, oldest first, a page at a time: at
   * most `limit` (default and maximum 1,000), after the instance `marker`
   * (the previous page's last), as Nova's API pages.
   */
  async list(
    caller: Caller,
    page: { limit?: unknown; marker?: unknown } = {},
  ): Promise<Instance[]> {
    const ctx = context(caller);
    const out: { limit?: number; marker?: string } = {};
    if (page.limit !== undefined) {
      if (!Number.isInteger(page.limit) || (page.limit as number) < 1)
        throw new InvalidInput("limit", "must be a positive integer");
      out.limit = page.limit as number;
    }
    if (page.marker !== undefined) out.marker = checkUuid(page.marker, "marker");
    return this.#conductor.listInstances(ctx, out);
  }

  /** The instance's actions with their events, each named by the request id that caused it. */
  async actions(caller: Caller, uuid: unknown): Promise<ActionView[]> {
    return this.#conductor.listActions(context(caller), checkUuid(uuid));
  }
}

function context(caller: Caller): RequestContext {
  return {
    projectId: checkText(caller.projectId, "projectId", { max: 255 }),
    userId: checkText(caller.userId, "userId", { max: 255 }),
    requestId:
      caller.requestId === undefined
        ? `req-${randomUUID()}`
        : checkText(caller.requestId, "requestId", { max: 255 }),
    ...(caller.isAdmin === true ? { isAdmin: true } : {}),
  };
}
