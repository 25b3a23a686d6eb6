import {
  connect,
  ErrorCode,
  type NatsConnection,
  type NatsError,
  type Subscription as NatsSub,
} from "nats";
import { RpcNoServer, RpcTimeout, TransportUnavailable } from "../errors.js";
import type { PayloadHandler, ServeOptions, Subscription, Transport } from "./transport.js";

const HINT = "start one with `bash scripts/nats/start.sh` (it prints the URL) and pass that URL";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The many-machines transport: NATS subjects and queue groups, which the
 * in-process bus imitates, so the RPC layer above is the same. `prefix`
 * keeps clouds that share one server apart (tests do).
 *
 * @public
 */
export class NatsTransport implements Transport {
  readonly name = "nats";
  readonly #nc: NatsConnection;
  readonly #prefix: string;

  constructor(nc: NatsConnection, prefix = "") {
    this.#nc = nc;
    this.#prefix = prefix;
  }

  /** The server's max_payload (1 MB by default). */
  get maxPayloadBytes(): number {
    return this.#nc.info?.max_payload ?? 1_048_576;
  }

  async serve(
    subject: string,
    handler: PayloadHandler,
    options: ServeOptions = {},
  ): Promise<Subscription> {
    const sub: NatsSub = this.#nc.subscribe(this.#prefix + subject, {
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      // A callback, not an async iterator: each message is handled as it
      // comes, and a slow one never holds up the next.
      callback: (err, msg) => {
        if (err) return;
        const payload = decoder.decode(msg.data);
        Promise.resolve()
          .then(() => handler(payload))
          .then(
            (reply) => {
              // A reply the server refuses (too large) must not take the
              // process down; the caller times out. RpcServer checks the
              // size first and answers an error instead.
              try {
                if (msg.reply) msg.respond(encoder.encode(reply));
              } catch {}
            },
            () => {},
          );
      },
    });
    // The server knows of the subscription once flush returns: a request
    // sent right after finds it.
    await this.#nc.flush();
    return {
      unsubscribe: async () => {
        sub.unsubscribe();
        await this.#nc.flush();
      },
    };
  }

  async publish(subject: string, payload: string): Promise<void> {
    this.#nc.publish(this.#prefix + subject, encoder.encode(payload));
  }

  async request(
    subject: string,
    payload: string,
    options: { readonly timeoutMs: number },
  ): Promise<string> {
    try {
      const reply = await this.#nc.request(this.#prefix + subject, encoder.encode(payload), {
        timeout: options.timeoutMs,
      });
      return decoder.decode(reply.data);
    } catch (err) {
      const code = (err as NatsError)?.code;
      if (code === ErrorCode.NoResponders) throw new RpcNoServer(subject);
      if (code === ErrorCode.Timeout) throw new RpcTimeout(subject, "request", options.timeoutMs);
      if (code === ErrorCode.ConnectionClosed) {
        throw new TransportUnavailable("nats", "the connection was closed", HINT);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    if (!this.#nc.isClosed()) await this.#nc.drain().catch(() => this.#nc.close());
  }
}

/**
 * Connects to NATS; a server that does not answer is one line,
 * TransportUnavailable, saying where and how to start one.
 *
 * @public
 */
export async function openNats(
  servers: string,
  options: { prefix?: string } = {},
): Promise<NatsTransport> {
  try {
    const nc = await connect({ servers, timeout: 5000, maxReconnectAttempts: -1 });
    return new NatsTransport(nc, options.prefix ?? "");
  } catch (err) {
    throw new TransportUnavailable(
      "nats",
      `${servers} does not answer: ${(err as Error).message}`,
      HINT,
    );
  }
}
