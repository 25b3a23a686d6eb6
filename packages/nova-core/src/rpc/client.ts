import { novaErrorFromJSON, RpcVersionUnsupported } from "../errors.js";
import type { RpcTopic } from "./api-versions.js";
import { type RequestContext, type RpcMessage, type RpcReply, subjects } from "./message.js";
import type { VersionPins } from "./pins.js";
import type { Transport } from "./transport.js";
import { compareVersions, minVersion } from "./version.js";

/** Where a message goes: any server of the topic, one server, or all of them. @public */
export type RpcTarget = { readonly server?: string; readonly fanout?: boolean };

/** @public */
export interface RpcClientOptions {
  readonly topic: RpcTopic;
  /** The newest version this client's code can send. */
  readonly version: string;
  /** The cluster's pins; the client never sends a version above the topic's pin. */
  readonly pins: VersionPins;
  readonly timeoutMs?: number;
}

/**
 * The sending side of one RPC API. Each API's own client (compute's
 * rpcapi, say) picks the version of every message with `canSend`, sending
 * the older form of a message while the cluster is pinned below the newer.
 *
 * @public
 */
export class RpcClient {
  readonly #transport: Transport;
  readonly #options: RpcClientOptions;

  constructor(transport: Transport, options: RpcClientOptions) {
    this.#transport = transport;
    this.#options = options;
  }

  /** The highest version a message may carry now: this client's, capped by the pin. */
  get cap(): string {
    return minVersion(this.#options.version, this.#options.pins.rpcCap(this.#options.topic));
  }

  /** True when a message of `version` may be sent now. */
  canSend(version: string): boolean {
    return compareVersions(version, this.cap) <= 0;
  }

  async call<T>(
    context: RequestContext,
    method: string,
    args: Record<string, unknown>,
    options: { version: string; target?: RpcTarget; timeoutMs?: number },
  ): Promise<T> {
    const { subject, payload } = this.#prepare(
      context,
      method,
      args,
      options.version,
      options.target,
    );
    const raw = await this.#transport.request(subject, payload, {
      timeoutMs: options.timeoutMs ?? this.#options.timeoutMs ?? 60_000,
    });
    const reply = JSON.parse(raw) as RpcReply;
    if (!reply.ok) throw novaErrorFromJSON(reply.error);
    return reply.result as T;
  }

  async cast(
    context: RequestContext,
    method: string,
    args: Record<string, unknown>,
    options: { version: string; target?: RpcTarget },
  ): Promise<void> {
    const { subject, payload } = this.#prepare(
      context,
      method,
      args,
      options.version,
      options.target,
    );
    await this.#transport.publish(subject, payload);
  }

  #prepare(
    context: RequestContext,
    method: string,
    args: Record<string, unknown>,
    version: string,
    target: RpcTarget | undefined,
  ): { subject: string; payload: string } {
    // A caller asking for a version above the cap is a bug in that caller's
    // backport logic: refuse here rather than let an old server refuse it.
    if (!this.canSend(version)) {
      throw new RpcVersionUnsupported(
        this.#options.topic,
        method,
        version,
        `pinned to ${this.cap}`,
      );
    }
    const topic = this.#options.topic;
    const subject = target?.fanout
      ? subjects.fanout(topic)
      : target?.server !== undefined
        ? subjects.server(topic, target.server)
        : subjects.topic(topic);
    const message: RpcMessage = { method, version, context, args };
    return { subject, payload: JSON.stringify(message) };
  }
}
