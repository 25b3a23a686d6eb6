import { fromPrimitive, toPrimitive } from "../objects/base.js";
import {
  type RequestSpec,
  RequestSpecObject,
  type Selection,
  SelectionObject,
} from "../objects/request-spec.js";
import { type ResourceProvider, ResourceProviderObject } from "../objects/resource-provider.js";
import { RPC_APIS } from "../rpc/api-versions.js";
import { RpcClient } from "../rpc/client.js";
import type { RequestContext } from "../rpc/message.js";
import type { VersionPins } from "../rpc/pins.js";
import type { Transport } from "../rpc/transport.js";

/** The scheduler's client, used by the conductor. @public */
export class SchedulerRpcClient {
  readonly #rpc: RpcClient;
  readonly #pins: VersionPins;

  constructor(transport: Transport, pins: VersionPins, options: { timeoutMs?: number } = {}) {
    this.#pins = pins;
    this.#rpc = new RpcClient(transport, {
      topic: "scheduler",
      version: RPC_APIS.scheduler.current,
      pins,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
  }

  /** Picks a host and claims the resources there; rejects with NoValidHost saying why not. */
  async selectDestination(ctx: RequestContext, spec: RequestSpec): Promise<Selection> {
    const p = await this.#rpc.call<unknown>(
      ctx,
      "select_destination",
      { spec: toPrimitive(RequestSpecObject, spec, this.#pins.objectVersion("RequestSpec")) },
      { version: "1.0" },
    );
    return fromPrimitive(SelectionObject, p);
  }

  /** Tells every scheduler of claims committed on providers, so their views follow without a conflict. */
  providersClaimed(
    ctx: RequestContext,
    deltas: readonly {
      providerId: number;
      generation: number;
      resources: Readonly<Record<string, number>>;
    }[],
  ): Promise<void> {
    return this.#rpc.cast(
      ctx,
      "providers_claimed",
      { deltas },
      { version: "1.0", target: { fanout: true } },
    );
  }

  /** Tells every scheduler a provider changed (a release, a host going down), so views stay fresh. */
  providersChanged(ctx: RequestContext, providers: readonly ResourceProvider[]): Promise<void> {
    return this.#rpc.cast(
      ctx,
      "providers_changed",
      { providers: providers.map((p) => toPrimitive(ResourceProviderObject, p)) },
      { version: "1.0", target: { fanout: true } },
    );
  }
}
