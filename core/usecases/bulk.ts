import { createHash } from "node:crypto";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import * as Communities from "../communities.js";
import type { Community } from "../config/schema.js";
import type { Core } from "../context.js";
import { RetryableEffectError } from "../effects.js";
import * as Homes from "../homes.js";
import { keys } from "../model.js";
import { platformSchema } from "../platform.js";
import * as Queue from "../queue.js";
import * as Requests from "../requests.js";
import { failureSummary } from "../rules.js";
import { effectPuts } from "../store/items.js";
import { labelled, transact } from "../store/transact.js";
import type { BulkReply, BulkReport } from "../views.js";
import { decide } from "./decide.js";
import { isOperator, type Origin } from "./origin.js";
import { moderated } from "./queue.js";

/**
 * Bulk decisions: "approve all that pass every rule", "approve selected", "deny selected". One
 * use case for every surface (Slack App Home, Discord `/apply-queue`, `gatekeeper decide`):
 *
 * 1. `plan`: which requests, in queue order (oldest first), for a moderator of the community;
 * 2. `run`: each one through `decide()`, one after the other, exactly as a single click would
 *    (same authority check, transaction, audit, notices, counters; seats go in queue order and the
 *    rest join the waitlist in that order), tallied into a report.
 *
 * The CLI plans and runs at once (`bulkDecide`). An interaction must answer within 3 seconds, so
 * it records the plan as a task (`requestBulk`) and the outbox worker runs it (`runTask`) and
 * reports back. Clicking twice is safe: a request decided by the first run counts as "already
 * decided" in the second, and a platform's retry of one click records one task.
 */

export type BulkAction =
  | { kind: "approve-passing" }
  | { kind: "approve"; requestIds: string[] }
  | { kind: "deny"; requestIds: string[]; reason?: string | undefined };

/** The most requests one bulk decision takes (a Discord select holds 25; the CLI may name more). */
export const BULK_MAX = 500;

export type PlanOutcome =
  | { kind: "plan"; community: Community; requestIds: string[]; skipped: number }
  | { kind: "forbidden" }
  | { kind: "unknown"; id: string };

/** The requests a bulk action is about, oldest first; requests of other communities are skipped. */
export async function plan(
  core: Core,
  origin: Origin,
  communityId: string,
  action: BulkAction,
): Promise<PlanOutcome> {
  const community = Communities.find(core, communityId);
  if (!community || community.platform !== origin.platform || community.workspace !== origin.workspace)
    return { kind: "unknown", id: communityId };
  if (!moderated(core, origin).includes(community)) return { kind: "forbidden" };

  if (action.kind === "approve-passing") {
    const pending = (await Queue.pending(core, [community.id])).get(community.id) ?? [];
    const ids = pending.filter((i) => i.passesAll).map((i) => i.requestId);
    return { kind: "plan", community, requestIds: ids.slice(0, BULK_MAX), skipped: 0 };
  }
  const unique = [...new Set(action.requestIds)].slice(0, BULK_MAX);
  const found = await Promise.all(unique.map((id) => Requests.get(core, id)));
  const mine = found.filter((r) => r?.communityId === community.id).map((r) => r as NonNullable<typeof r>);
  mine.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return {
    kind: "plan",
    community,
    requestIds: mine.map((r) => r.id),
    skipped: unique.length - mine.length,
  };
}

/** Decides each request in order, as single clicks would, and tallies what happened. */
export async function run(
  core: Core,
  origin: Origin,
  requestIds: readonly string[],
  action: BulkAction,
  skipped = 0,
): Promise<BulkReport> {
  return (await decideEach(core, origin, requestIds, action, emptyReport(requestIds.length, skipped), 0))
    .report;
}

const emptyReport = (count: number, skipped: number): BulkReport => ({
  asked: count + skipped,
  approved: 0,
  waitlisted: 0,
  denied: 0,
  already: 0,
  full: 0,
  skipped,
  ms: 0,
});

/**
 * Decides `requestIds` from index `from` on, adding to `report`, until the end or until
 * `deadline` (wall-clock ms) has come (after one decision at least). Returns the report and the index of the first request not
 * decided (the length when done).
 */
async function decideEach(
  core: Core,
  origin: Origin,
  requestIds: readonly string[],
  action: BulkAction,
  report: BulkReport,
  from: number,
  deadline = Number.POSITIVE_INFINITY,
): Promise<{ report: BulkReport; next: number }> {
  const started = Date.now();
  const outcome = action.kind === "deny" ? "deny" : "approve";
  let next = from;
  for (; next < requestIds.length; next++) {
    // At least one decision per call, so a run that keeps running out of time still moves on.
    if (next > from && Date.now() >= deadline) break;
    const requestId = requestIds[next] as string;
    // A denial without a reason carries each request's failed rules, as the reason form pre-fills them.
    const reason =
      action.kind === "deny" ? action.reason?.trim() || (await defaultReason(core, requestId)) : undefined;
    const result = await decide(core, origin, { requestId, outcome, reason });
    switch (result.kind) {
      case "decided":
        if (result.request.status === "approved") report.approved++;
        else if (result.request.status === "waitlisted") report.waitlisted++;
        else if (result.request.status === "denied") report.denied++;
        break;
      case "already":
        report.already++;
        break;
      case "full":
        report.full++;
        break;
      case "forbidden":
      case "not-found":
        report.skipped++;
        break;
    }
  }
  report.ms += Date.now() - started;
  if (next === requestIds.length)
    core.log.info("bulk decision done", { user: origin.userId, action: action.kind, ...report });
  return { report, next };
}

async function defaultReason(core: Core, requestId: string): Promise<string | undefined> {
  const request = await Requests.get(core, requestId);
  return (request && failureSummary(request.evaluation)) || undefined;
}

export type BulkOutcome =
  | { kind: "done"; community: Community; report: BulkReport }
  | Exclude<PlanOutcome, { kind: "plan" }>;

/** Plans and runs at once (the CLI: no answer budget to keep). */
export async function bulkDecide(
  core: Core,
  origin: Origin,
  communityId: string,
  action: BulkAction,
): Promise<BulkOutcome> {
  const planned = await plan(core, origin, communityId, action);
  if (planned.kind !== "plan") return planned;
  const report = await run(core, origin, planned.requestIds, action, planned.skipped);
  return { kind: "done", community: planned.community, report };
}

// Recorded bulk decisions, run by the outbox worker.

const storedOriginSchema = z.object({
  platform: platformSchema,
  workspace: z.string(),
  userId: z.string(),
  name: z.string().optional(),
  roles: z.array(z.string()).optional(),
});

const replySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("home"), platform: platformSchema, workspace: z.string(), userId: z.string() }),
  z.object({ kind: z.literal("interaction"), applicationId: z.string(), token: z.string() }),
  z.object({ kind: z.literal("none") }),
]);

const actionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("approve-passing") }),
  z.object({ kind: z.literal("approve"), requestIds: z.array(z.string()) }),
  z.object({ kind: z.literal("deny"), requestIds: z.array(z.string()), reason: z.string().optional() }),
]);

const reportSchema = z.object({
  asked: z.int(),
  approved: z.int(),
  waitlisted: z.int(),
  denied: z.int(),
  already: z.int(),
  full: z.int(),
  skipped: z.int(),
  ms: z.number(),
});

export const bulkTaskSchema = z.object({
  taskId: z.string(),
  kind: z.literal("bulk"),
  origin: storedOriginSchema,
  communityId: z.string(),
  action: actionSchema,
  requestIds: z.array(z.string()),
  skipped: z.int(),
  reply: replySchema,
  /** The queue filter the moderator was looking at, to show it again with the report. */
  filter: Queue.queueFilterSchema.default("all"),
  state: z.enum(["queued", "done"]),
  report: z.unknown().optional(),
  /** A run that ran out of time: the first request not decided yet, and the report so far. */
  progress: z.object({ next: z.int().min(0), report: reportSchema }).optional(),
  createdAt: z.string(),
});
export type BulkTask = z.infer<typeof bulkTaskSchema>;

/** Recorded bulk tasks are kept a day (TTL): long enough to read a report, short enough to hold no token long. */
const TASK_TTL_S = 86_400;

export type RequestBulkOutcome =
  | { kind: "started"; taskId: string; count: number; community: Community; replay: boolean }
  | { kind: "nothing"; community: Community }
  | Exclude<PlanOutcome, { kind: "plan" }>;

/**
 * Records a bulk decision for the worker and returns at once. `key` identifies the click (the
 * interaction's or trigger's id): a retried delivery of the same click records nothing new.
 */
export async function requestBulk(
  core: Core,
  origin: Origin,
  input: {
    communityId: string;
    action: BulkAction;
    key: string;
    reply: BulkReply;
    filter?: Queue.QueueFilter;
  },
): Promise<RequestBulkOutcome> {
  if (isOperator(origin)) throw new Error("operators decide in bulk with bulkDecide, not through a task");
  const planned = await plan(core, origin, input.communityId, input.action);
  if (planned.kind !== "plan") return planned;
  const { community } = planned;
  if (planned.requestIds.length === 0) return { kind: "nothing", community };
  const taskId = `bulk-${createHash("sha256").update(`${origin.platform}:${origin.workspace}:${input.key}`).digest("hex").slice(0, 24)}`;
  const now = core.now();
  const task: BulkTask = {
    taskId,
    kind: "bulk",
    origin: {
      platform: origin.platform,
      workspace: origin.workspace,
      userId: origin.userId,
      ...(origin.name ? { name: origin.name } : {}),
      ...(origin.roles ? { roles: [...origin.roles] } : {}),
    },
    communityId: community.id,
    action: input.action,
    requestIds: planned.requestIds,
    skipped: planned.skipped,
    reply: input.reply,
    filter: input.filter ?? "all",
    state: "queued",
    createdAt: now.toISOString(),
  };
  const result = await transact(core.store, [
    labelled("task", {
      Put: {
        TableName: core.store.table,
        Item: {
          ...keys.task(taskId),
          type: "task",
          ...task,
          expiresAt: Math.floor(now.getTime() / 1000) + TASK_TTL_S,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    }),
    ...effectPuts(
      core,
      { id: taskId, communityId: community.id, platform: community.platform },
      [{ kind: "bulk.run" }],
      "bulk",
    ),
  ]);
  if (input.reply.kind === "home" && result.ok) {
    await Homes.setBulk(core, input.reply, {
      taskId,
      communityId: community.id,
      state: "running",
      asked: planned.requestIds.length,
      at: now.toISOString(),
    });
  }
  core.log.info("bulk decision recorded", {
    taskId,
    community: community.id,
    action: input.action.kind,
    count: planned.requestIds.length,
    replay: !result.ok,
  });
  return {
    kind: "started",
    taskId,
    count: planned.requestIds.length,
    community,
    replay: !result.ok,
  };
}

export async function getTask(core: Core, taskId: string): Promise<BulkTask | undefined> {
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: keys.task(taskId), ConsistentRead: true }),
  );
  const parsed = bulkTaskSchema.safeParse(Item);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Runs a recorded bulk decision (the worker, through the outbox; a re-run after a crash decides
 * nothing twice) and records its report. Returns the task and its report.
 */
export async function runTask(
  core: Core,
  taskId: string,
  opts: { deadline?: number } = {},
): Promise<{ task: BulkTask; report: BulkReport } | undefined> {
  const task = await getTask(core, taskId);
  if (!task) return undefined;
  // Run before (the delivery of its report failed and is retried): the report stands.
  const done = task.state === "done" ? reportSchema.safeParse(task.report) : undefined;
  if (done?.success) return { task, report: done.data };
  const origin: Origin = task.origin;
  const { report, next } = await decideEach(
    core,
    origin,
    task.requestIds,
    task.action,
    task.progress?.report ?? emptyReport(task.requestIds.length, task.skipped),
    task.progress?.next ?? 0,
    opts.deadline,
  );
  if (next < task.requestIds.length) {
    // Out of time: what was decided is kept with the task, and the next delivery goes on from there.
    await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.task(taskId),
        UpdateExpression: "SET progress = :p",
        ExpressionAttributeValues: { ":p": { next, report } },
      }),
    );
    throw new RetryableEffectError(
      `bulk decision paused after ${next} of ${task.requestIds.length} requests: no time left`,
      0,
      "out-of-time",
    );
  }
  await core.store.doc.send(
    new UpdateCommand({
      TableName: core.store.table,
      Key: keys.task(taskId),
      UpdateExpression: "SET #state = :done, report = :r, doneAt = :now",
      ExpressionAttributeNames: { "#state": "state" },
      ExpressionAttributeValues: { ":done": "done", ":r": report, ":now": core.now().toISOString() },
    }),
  );
  if (task.reply.kind === "home") {
    await Homes.setBulk(core, task.reply, {
      taskId,
      communityId: task.communityId,
      state: "done",
      asked: task.requestIds.length,
      report,
      at: core.now().toISOString(),
    });
  }
  return { task, report };
}
