import type { NovaErrorJSON } from "../errors.js";

/** Who asked, carried with every message so each record names the request that caused it. @public */
export interface RequestContext {
  readonly requestId: string;
  readonly projectId: string;
  readonly userId: string;
  /**
   * The caller holds the admin role: it may read and act on every project's
   * records. Optional so a message from a release before it reads as a member.
   */
  readonly isAdmin?: boolean;
}

/** A message: the method, the X.Y version its arguments follow, the context, the arguments. @public */
export interface RpcMessage {
  readonly method: string;
  readonly version: string;
  readonly context: RequestContext;
  readonly args: Record<string, unknown>;
}

/** @public */
export type RpcReply =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: NovaErrorJSON };

/** The subjects a topic uses. `server` is the host for compute; fanout reaches every server. @public */
export const subjects = {
  topic: (topic: string) => `nova.${topic}`,
  server: (topic: string, server: string) => `nova.${topic}.server.${server}`,
  fanout: (topic: string) => `nova.${topic}.fanout`,
} as const;
