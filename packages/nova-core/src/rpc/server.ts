import {
  InternalError,
  isNovaError,
  type NovaError,
  RpcUnknownMethod,
  RpcVersionUnsupported,
} from "../errors.js";
import { type RequestContext, type RpcMessage, type RpcReply, subjects } from "./message.js";
import type { Subscription, Transport } from "./transport.js";
import { compareVersions, isCompatible } from "./version.js";

/** A method of an RPC endpoint and the version that added it. @public */
export interface RpcMethod {
  readonly since: string;
  readonly handle: (
    context: RequestContext,
    args: Record<string, unknown>,
    version: string,
  ) => Promise<unknown>;
}

/** @public */
export interface RpcServerOptions {
  readonly topic: string;
  /** The server's own name on the topic (the host, for compute); direct messages reach it. */
  readonly server: string;
  /** The version this server speaks. */
  readonly version: string;
  readonly methods: Readonly<Record<string, RpcMethod>>;
  /** Join the topic's queue, so topic-wide calls are shared between servers (default true). */
  readonly shareTopic?: boolean;
  /** Called with unexpected (non-nova) errors, which the caller sees as NOVA_ERR_INTERNAL. */
  readonly onInternalError?: (method: string, error: unknown) => void;
}

/**
 * Serves one RPC API on a transport. It accepts a message whose version has
 * its own major and a minor up to its own, refuses anything newer with
 * RpcVersionUnsupported (naming both versions), and refuses a method called
 * at a version older than the one that added it.
 *
 * @public
 */
export class RpcServer {
  readonly #transport: Transport;
  readonly #options: RpcServerOptions;
  readonly #subscriptions: Subscription[] = [];
  /** Messages handled, by method; read by benchmarks and tests. */
  readonly handled = new Map<string, number>();

  constructor(transport: Transport, options: RpcServerOptions) {
    this.#transport = transport;
    this.#options = options;
  }

  get version(): string {
    return this.#options.version;
  }

  async start(): Promise<void> {
    const { topic, server } = this.#options;
    const handler = (payload: string) => this.#dispatch(payload);
    if (this.#options.shareTopic ?? true) {
      this.#subscriptions.push(
        await this.#transport.serve(subjects.topic(topic), handler, { queue: topic }),
      );
    }
    this.#subscriptions.push(await this.#transport.serve(subjects.server(topic, server), handler));
    this.#subscriptions.push(await this.#transport.serve(subjects.fanout(topic), handler));
  }

  async stop(): Promise<void> {
    const subs = this.#subscriptions.splice(0);
    await Promise.all(subs.map((s) => s.unsubscribe()));
  }

  async #dispatch(payload: string): Promise<string> {
    let reply: RpcReply;
    try {
      const message = JSON.parse(payload) as RpcMessage;
      const result = await this.#handle(message);
      reply = { ok: true, result: result ?? null };
    } catch (err) {
      reply = { ok: false, error: this.#asNovaError(err).toJSON() };
    }
    const text = JSON.stringify(reply);
    const limit = this.#transport.maxPayloadBytes;
    if (limit !== undefined && Buffer.byteLength(text) > limit) {
      // Say so, rather than let the transport drop it and the caller wait.
      const tooLarge = new InternalError(
        `${this.#options.topic} reply is ${Buffer.byteLength(text)} bytes, over the transport's ${limit}; ask for less (a page)`,
      );
      return JSON.stringify({ ok: false, error: tooLarge.toJSON() } satisfies RpcReply);
    }
    return text;
  }

  #handle(message: RpcMessage): Promise<unknown> {
    const { topic } = this.#options;
    const method = Object.hasOwn(this.#options.methods, message.method)
      ? this.#options.methods[message.method]
      : undefined;
    if (!isCompatible(message.version, this.#options.version)) {
      throw new RpcVersionUnsupported(
        topic,
        message.method,
        message.version,
        this.#options.version,
      );
    }
    // A method newer than this server, or older than the message claims, is unknown here.
    if (!method || compareVersions(method.since, this.#options.version) > 0) {
      throw new RpcUnknownMethod(topic, message.method);
    }
    if (compareVersions(message.version, method.since) < 0) {
      throw new RpcVersionUnsupported(
        topic,
        message.method,
        message.version,
        `${method.since} or later for this method`,
      );
    }
    return method.handle(message.context, message.args, message.version);
  }

  #asNovaError(err: unknown): NovaError {
    if (isNovaError(err)) return err;
    this.#options.onInternalError?.(this.#options.topic, err);
    return new InternalError(
      `${this.#options.topic} failed: ${(err as Error)?.message ?? String(err)}`,
      {
        cause: err,
      },
    );
  }
}
