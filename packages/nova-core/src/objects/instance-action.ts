/**
 * One instance action as the service layer lists it: the request that
 * caused it, and the events the roles recorded while carrying it out.
 * Read-only and sent only from the conductor to the service layer, which
 * always run the same release in the embedded shape; it becomes a versioned
 * object when the REST layer exposes it.
 *
 * @public
 */
export interface ActionView {
  action: string;
  requestId: string;
  userId: string;
  startTime: number;
  finishTime: number | null;
  result: string | null;
  message: string | null;
  events: { event: string; host: string | null; result: string | null; details: string | null }[];
}
