import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Core } from "../context.js";
import { keys } from "../model.js";
import { TABLE } from "./table.js";
import { type Labelled, labelled } from "./transact.js";

/**
 * Timers of the moderator tools: a reply the applicant owes (`reply`), a claim that ends (`claim`).
 * One item per request and kind (`REQ#<id>` / `TIMER#<kind>`), in gsi1 `TIMERS` by due time, so
 * the sweeper finds what is due with one query. A timer is written in the same transaction as the
 * change that starts it, and removed, under the condition that it is still the one that was read,
 * by the change that ends it: two sweepers (or a reply racing the deadline) end it once.
 */

const G1PK = TABLE.indexes.due.partitionKey;
const G1SK = TABLE.indexes.due.sortKey;

export const TIMER_KINDS = ["reply", "claim"] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export const timerSchema = z.object({
  requestId: z.string(),
  communityId: z.string(),
  kind: z.enum(TIMER_KINDS),
  dueAt: z.string(),
  /** `reply`: the round waiting for the reply. */
  round: z.number().int().optional(),
});
export type Timer = z.infer<typeof timerSchema>;

/** Starts (or restarts) a request's timer of one kind. */
export function putTimer(core: Core, timer: Timer): Labelled {
  return labelled("timer", {
    Put: {
      TableName: core.store.table,
      Item: {
        ...keys.timer(timer.requestId, timer.kind),
        type: "timer",
        ...timer,
        [G1PK]: keys.timers,
        [G1SK]: `${timer.dueAt}#${timer.requestId}#${timer.kind}`,
      },
    },
  });
}

/**
 * Ends a timer. With `expected`, only if it is still that timer (same due time), so a timer that
 * was restarted meanwhile survives and the transaction fails on the `timer` label.
 */
export function deleteTimer(
  core: Core,
  requestId: string,
  kind: TimerKind,
  expected?: { dueAt: string },
): Labelled {
  return labelled("timer", {
    Delete: {
      TableName: core.store.table,
      Key: keys.timer(requestId, kind),
      ...(expected
        ? { ConditionExpression: "dueAt = :due", ExpressionAttributeValues: { ":due": expected.dueAt } }
        : {}),
    },
  });
}

/** Timers due at `now`, soonest first. */
export async function dueTimers(core: Core, limit = 100): Promise<Timer[]> {
  const { Items } = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      IndexName: TABLE.indexes.due.name,
      KeyConditionExpression: `${G1PK} = :t AND ${G1SK} <= :now`,
      ExpressionAttributeValues: { ":t": keys.timers, ":now": `${core.now().toISOString()}~` },
      Limit: limit,
    }),
  );
  return (Items ?? []).flatMap((i) => {
    const parsed = timerSchema.safeParse(i);
    return parsed.success ? [parsed.data] : [];
  });
}
