import type { InstanceRow } from "../db/schema.js";
import type { Transport } from "../rpc/transport.js";

/** Where the conductor announces state changes; anyone may listen. @public */
export const NOTIFICATION_SUBJECT = "nova.notifications";

/** One state change, as Nova's versioned notifications carry it (trimmed to what exists). @public */
export interface InstanceNotification {
  readonly type: "instance.update";
  readonly uuid: string;
  readonly vmState: string;
  readonly taskState: string | null;
  readonly powerState: string;
  readonly host: string | null;
  readonly version: number;
  readonly deleted: boolean;
}

/** A compute agent's start-up comparison, as recorded. @public */
export interface ReconcileNotification {
  readonly type: "compute.reconcile";
  readonly host: string;
  readonly unknown: readonly string[];
  readonly missing: readonly string[];
  readonly found: readonly string[];
}

/** @public */
export type Notification = InstanceNotification | ReconcileNotification;

/** Publishes notifications. A cast: nobody listening is fine. */
export class Notifier {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  instance(row: InstanceRow): void {
    this.publish({
      type: "instance.update",
      uuid: row.uuid,
      vmState: row.vm_state,
      taskState: row.task_state,
      powerState: row.power_state,
      host: row.host,
      version: row.version,
      deleted: row.deleted === 1,
    });
  }

  publish(n: Notification): void {
    void this.#transport.publish(NOTIFICATION_SUBJECT, JSON.stringify(n)).catch(() => {});
  }
}
