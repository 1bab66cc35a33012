import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { liveClaim } from "./claim-state.js";
import type { Core } from "./context.js";
import { awaiting, lapsed } from "./interview-state.js";
import { type JoinRequest, joinRequestSchema, keys, type MessageRef } from "./model.js";
import { TABLE } from "./store/table.js";

/**
 * The moderators' queue: pending requests, oldest first, read from the `PENDING` partition of
 * gsi1 (pending requests by age; the sweeper reads the same one). One query, filtered to the
 * communities asked for; what a queue item shows is computed here, once, for every surface (Slack
 * App Home, Discord `/apply-queue`, bulk decisions, the CLI).
 */

export const QUEUE_FILTERS = ["all", "passing", "flagged", "waiting"] as const;
export type QueueFilter = (typeof QUEUE_FILTERS)[number];
export const queueFilterSchema = z.enum(QUEUE_FILTERS);

/** Items per page, on every surface (a Discord select holds at most 25 options). */
export const PAGE_SIZE = 20;
/** The most pending requests read for one queue; older ones than these wait for the next page of work. */
export const QUEUE_READ_MAX = 1000;

export interface QueueItem {
  requestId: string;
  communityId: string;
  applicant: { userId: string; name: string };
  createdAt: string;
  /** How long it has waited, at the time the queue was read. */
  waitedMs: number;
  score: number;
  /** Every rule passed (and could be checked). */
  passesAll: boolean;
  rules: { passed: string[]; failed: string[]; unchecked: string[] };
  /** The moderator tools' state: a live claim, and where the interview stands. */
  claimedBy: { id: string; name: string | undefined } | undefined;
  interview: { state: "waiting" | "replied" | "no-reply"; since: string | undefined } | undefined;
  card: MessageRef | undefined;
}

/** A queue item as every surface shows it, from the request as recorded (pure). */
export function queueItem(request: JoinRequest, now: Date): QueueItem {
  const rules = request.evaluation.rules;
  const claim = liveClaim(request, now);
  return {
    requestId: request.id,
    communityId: request.communityId,
    applicant: request.applicant,
    createdAt: request.createdAt,
    waitedMs: Math.max(0, now.getTime() - Date.parse(request.createdAt)),
    score: request.evaluation.score,
    passesAll: request.evaluation.passed,
    rules: {
      passed: rules.filter((r) => r.passed).map((r) => r.label),
      failed: rules.filter((r) => !r.passed && r.checked).map((r) => r.label),
      unchecked: rules.filter((r) => !r.passed && !r.checked).map((r) => r.label),
    },
    claimedBy: claim ? { id: claim.by.id, name: claim.by.name } : undefined,
    interview: interviewOf(request),
    card: request.card,
  };
}

/**
 * Where the request's interview (the moderator tools' questions) stands, from its rounds: a
 * question waiting for the reply, the last one answered, or the last one left unanswered (the
 * request came back to the queue, `onNoReply: review`).
 */
function interviewOf(request: JoinRequest): QueueItem["interview"] {
  const waiting = awaiting(request);
  if (waiting) return { state: "waiting", since: waiting.askedAt };
  const last = request.interview?.at(-1);
  if (!last) return undefined;
  if (last.reply) return { state: "replied", since: last.repliedAt };
  if (lapsed(request, last)) return { state: "no-reply", since: request.noReplyAt };
  return undefined;
}

export function matches(item: QueueItem, filter: QueueFilter): boolean {
  switch (filter) {
    case "all":
      return true;
    case "passing":
      return item.passesAll;
    case "flagged":
      return !item.passesAll || item.interview?.state === "no-reply";
    case "waiting":
      return item.interview?.state === "waiting";
  }
}

/** Pending requests of these communities, each list oldest first. */
export async function pending(
  core: Core,
  communityIds: readonly string[],
): Promise<Map<string, QueueItem[]>> {
  const out = new Map<string, QueueItem[]>(communityIds.map((id) => [id, []]));
  if (communityIds.length === 0) return out;
  const now = core.now();
  const values: Record<string, unknown> = { ":p": keys.pending };
  communityIds.forEach((id, i) => {
    values[`:c${i}`] = id;
  });
  let start: Record<string, unknown> | undefined;
  let read = 0;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        IndexName: TABLE.indexes.due.name,
        KeyConditionExpression: `${TABLE.indexes.due.partitionKey} = :p`,
        FilterExpression: `communityId IN (${communityIds.map((_, i) => `:c${i}`).join(", ")})`,
        ExpressionAttributeValues: values,
        ExclusiveStartKey: start,
      }),
    );
    for (const raw of page.Items ?? []) {
      const parsed = joinRequestSchema.safeParse(raw);
      if (!parsed.success || parsed.data.status !== "pending") continue;
      out.get(parsed.data.communityId)?.push(queueItem(parsed.data, now));
      read++;
    }
    start = page.LastEvaluatedKey;
  } while (start && read < QUEUE_READ_MAX);
  return out;
}

export interface QueuePage {
  filter: QueueFilter;
  /** 1-based. */
  page: number;
  pages: number;
  /** Items matching the filter. */
  total: number;
  counts: Record<QueueFilter, number>;
  items: QueueItem[];
}

/** One page of a community's queue under a filter (pure). The page is clamped into range. */
export function pageOf(all: readonly QueueItem[], filter: QueueFilter, page: number): QueuePage {
  const counts = Object.fromEntries(
    QUEUE_FILTERS.map((f) => [f, all.filter((i) => matches(i, f)).length]),
  ) as Record<QueueFilter, number>;
  const list = all.filter((i) => matches(i, filter));
  const pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
  const p = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  return {
    filter,
    page: p,
    pages,
    total: list.length,
    counts,
    items: list.slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE),
  };
}
