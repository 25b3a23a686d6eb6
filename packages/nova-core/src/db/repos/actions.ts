import type { ActionView } from "../../objects/instance-action.js";
import type { Db } from "./instances.js";

// Instance actions and their events, as Nova's os-instance-actions shows
// them: one action per user request, named by its request id, with the
// events the roles recorded while carrying it out.

export async function startAction(
  db: Db,
  a: { uuid: string; action: string; requestId: string; projectId: string; userId: string },
  now = Date.now(),
): Promise<number> {
  const row = await db
    .insertInto("instance_actions")
    .values({
      instance_uuid: a.uuid,
      action: a.action,
      request_id: a.requestId,
      project_id: a.projectId,
      user_id: a.userId,
      start_time: now,
      finish_time: null,
      result: null,
      message: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function actionId(db: Db, uuid: string, requestId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom("instance_actions")
    .select("id")
    .where("instance_uuid", "=", uuid)
    .where("request_id", "=", requestId)
    .orderBy("id", "desc")
    .executeTakeFirst();
  return row?.id;
}

/** Records one finished event of the action `requestId` started; a missing action records nothing. */
export async function recordEvent(
  db: Db,
  e: {
    uuid: string;
    requestId: string;
    event: string;
    host: string | null;
    startTime: number;
    result: "Success" | "Error";
    details?: unknown;
  },
  now = Date.now(),
): Promise<void> {
  const id = await actionId(db, e.uuid, e.requestId);
  if (id === undefined) return;
  await db
    .insertInto("instance_action_events")
    .values({
      action_id: id,
      event: e.event,
      host: e.host,
      start_time: e.startTime,
      finish_time: now,
      result: e.result,
      details: e.details === undefined ? null : JSON.stringify(e.details),
    })
    .execute();
}

export async function finishAction(
  db: Db,
  uuid: string,
  requestId: string,
  result: "Success" | "Error",
  message: string | null = null,
  now = Date.now(),
): Promise<void> {
  await db
    .updateTable("instance_actions")
    .set({ finish_time: now, result, message })
    .where("instance_uuid", "=", uuid)
    .where("request_id", "=", requestId)
    .where("finish_time", "is", null)
    .execute();
}

export async function listActions(db: Db, uuid: string): Promise<ActionView[]> {
  const actions = await db
    .selectFrom("instance_actions")
    .selectAll()
    .where("instance_uuid", "=", uuid)
    .orderBy("id")
    .execute();
  if (actions.length === 0) return [];
  const events = await db
    .selectFrom("instance_action_events")
    .selectAll()
    .where(
      "action_id",
      "in",
      actions.map((a) => a.id),
    )
    .orderBy("id")
    .execute();
  return actions.map((a) => ({
    action: a.action,
    requestId: a.request_id,
    userId: a.user_id,
    startTime: a.start_time,
    finishTime: a.finish_time,
    result: a.result,
    message: a.message,
    events: events
      .filter((e) => e.action_id === a.id)
      .map((e) => ({ event: e.event, host: e.host, result: e.result, details: e.details })),
  }));
}
