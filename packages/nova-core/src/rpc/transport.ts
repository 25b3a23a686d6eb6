// One transport interface: what the RPC layer needs from a message bus and
// nothing more. Payloads are strings (JSON), so the in-process bus and NATS
// carry exactly the same bytes and a test of one is a test of the other.

/** A listener, until it is removed. @public */
export interface Subscription {
  unsubscribe(): Promise<void>;
}

/** Receives a payload; what it resolves with is the reply to a request (ignored for a publish). @public */
export type PayloadHandler = (payload: string) => Promise<string>;

/** @public */
export interface ServeOptions {
  /**
   * Listeners that share a queue name share the subject: each message goes
   * to one of them. Listeners without one each get every published message.
   */
  readonly queue?: string;
}

/** @public */
export interface Transport {
  /** Short name for messages and benchmarks: "in-process", "nats". */
  readonly name: string;
  /** The largest payload it carries, in bytes; none when unlimited. */
  readonly maxPayloadBytes?: number;
  serve(subject: string, handler: PayloadHandler, options?: ServeOptions): Promise<Subscription>;
  /** Fire and forget: one listener per queue and every plain listener gets it; none is fine. */
  publish(subject: string, payload: string): Promise<void>;
  /**
   * Request/reply with one listener. Rejects with RpcNoServer when nobody
   * listens and with RpcTimeout when no reply comes within `timeoutMs`.
   */
  request(
    subject: string,
    payload: string,
    options: { readonly timeoutMs: number },
  ): Promise<string>;
  close(): Promise<void>;
}
