import type { Community } from "./config/schema.js";
import type { Core } from "./context.js";
import type { EffectSpec } from "./effects.js";
import { replyStanding } from "./interview-state.js";
import { noReplyReason } from "./messages.js";
import { type Actor, type InterviewRound, type JoinRequest, keys, SYSTEM } from "./model.js";
import * as Requests from "./requests.js";
import { NO_REPLY_DENIED_DELTA } from "./stats.js";
import { auditPut, effectPuts, releaseStanding, statsAdd, transition } from "./store/items.js";
import { deleteTimer, putTimer, type Timer } from "./store/timers.js";
import { type Labelled, labelled, names, transact } from "./store/transact.js";

/**
 * The interview as records: a moderator asks, the applicant replies, or the time runs out. Each
 * is one transaction on the request (conditioned on it being pending and on the round it
 * concerns), its reply timer, its outbox entries (the DM, the thread posts, the card update) and
 * an audit entry. Who may ask or reply is the use case's business (`core/usecases/interview.ts`).
 */

const HOUR_MS = 3_600_000;

export type AskOutcome =
  | { kind: "asked"; request: JoinRequest; round: InterviewRound }
  /** A question is already waiting for the applicant's reply. */
  | { kind: "busy"; request: JoinRequest }
  | { kind: "closed"; request: JoinRequest }
  | { kind: "not-found" };

export type ReplyOutcome =
  | { kind: "replied"; request: JoinRequest }
  | { kind: "closed"; request: JoinRequest }
  | { kind: "already"; request: JoinRequest }
  /** The time to reply ran out. */
  | { kind: "lapsed"; request: JoinRequest }
  | { kind: "not-found" };

export async function ask(
  core: Core,
  request: JoinRequest,
  community: Community,
  by: Actor,
  question: string,
): Promise<AskOutcome> {
  if (request.status !== "pending") return { kind: "closed", request };
  if (request.awaitingRound !== undefined) return { kind: "busy", request };
  const asked = request.interview?.length ?? 0;
  const now = core.now();
  const round: InterviewRound = {
    n: asked + 1,
    question,
    askedBy: by,
    askedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + community.interviewExpiryHours * HOUR_MS).toISOString(),
  };
  const effects: EffectSpec[] = [
    { kind: "question.dm", round: round.n },
    { kind: "thread.post", round: round.n, part: "question" },
    { kind: "card.update" },
  ];
  const result = await transact(core.store, [
    labelled("request", {
      Update: {
        TableName: core.store.table,
        Key: keys.request(request.id),
        UpdateExpression:
          "SET #interview = list_append(if_not_exists(#interview, :empty), :round), awaitingRound = :n, updatedAt = :now ADD #version :one",
        ConditionExpression:
          "#status = :pending AND attribute_not_exists(awaitingRound) AND " +
          (asked === 0 ? "attribute_not_exists(#interview)" : "size(#interview) = :asked"),
        ExpressionAttributeNames: names("interview", "status", "version"),
        ExpressionAttributeValues: {
          ":empty": [],
          ":round": [round],
          ":n": round.n,
          ":now": round.askedAt,
          ":one": 1,
          ":pending": "pending",
          ...(asked === 0 ? {} : { ":asked": asked }),
        },
      },
    }),
    putTimer(core, {
      requestId: request.id,
      communityId: request.communityId,
      kind: "reply",
      dueAt: round.dueAt,
      round: round.n,
    }),
    ...effectPuts(core, request, effects, `ask#${round.n}`),
    auditPut(core, { requestId: request.id, actor: by, action: `asked#${round.n}` }),
  ]);
  if (result.ok) {
    const after = await Requests.get(core, request.id);
    return after ? { kind: "asked", request: after, round } : { kind: "not-found" };
  }
  const current = await Requests.get(core, request.id);
  if (!current) return { kind: "not-found" };
  return current.status === "pending"
    ? { kind: "busy", request: current }
    : { kind: "closed", request: current };
}

export async function reply(
  core: Core,
  request: JoinRequest,
  n: number,
  text: string,
): Promise<ReplyOutcome> {
  const standing = replyStanding(request, n);
  if (standing === "not-found") return { kind: "not-found" };
  if (standing !== "open") return { kind: standing, request };
  const at = core.now().toISOString();
  const i = n - 1;
  const result = await transact(core.store, [
    labelled("request", {
      Update: {
        TableName: core.store.table,
        Key: keys.request(request.id),
        UpdateExpression: `SET #interview[${i}].#reply = :r, #interview[${i}].repliedAt = :at, updatedAt = :at ADD #version :one REMOVE awaitingRound`,
        ConditionExpression: "#status = :pending AND awaitingRound = :n",
        ExpressionAttributeNames: names("interview", "reply", "status", "version"),
        ExpressionAttributeValues: { ":r": text, ":at": at, ":one": 1, ":pending": "pending", ":n": n },
      },
    }),
    deleteTimer(core, request.id, "reply"),
    ...effectPuts(
      core,
      request,
      [{ kind: "thread.post", round: n, part: "reply" }, { kind: "card.update" }],
      `reply#${n}`,
    ),
    auditPut(core, {
      requestId: request.id,
      actor: { kind: "user", id: request.applicant.userId, name: request.applicant.name },
      action: `replied#${n}`,
    }),
  ]);
  const after = await Requests.get(core, request.id);
  if (!after) return { kind: "not-found" };
  if (result.ok) return { kind: "replied", request: after };
  const again = replyStanding(after, n);
  return again === "open" || again === "not-found"
    ? { kind: "already", request: after }
    : { kind: again, request: after };
}

export type LapseOutcome = "back-to-queue" | "declined" | "cleared" | "raced";

/**
 * A reply timer ran out. If the request still waits for that round: back to the queue flagged
 * "no reply" (or declined with that reason, per `onNoReply`), with a thread post and a card
 * update. Otherwise (replied, decided, gone) the timer is only cleared. The timer's own
 * condition makes racing sweepers do it once.
 */
export async function lapse(
  core: Core,
  timer: Timer,
  community: Community | undefined,
): Promise<LapseOutcome> {
  const request = await Requests.get(core, timer.requestId);
  const open = request && community && request.status === "pending" && request.awaitingRound === timer.round;
  if (!open || !request || !community || timer.round === undefined) {
    const cleared = await transact(core.store, [
      deleteTimer(core, timer.requestId, "reply", { dueAt: timer.dueAt }),
    ]);
    return cleared.ok ? "cleared" : "raced";
  }
  const at = core.now().toISOString();
  const n = timer.round;
  const thread: EffectSpec = { kind: "thread.post", round: n, part: "no-reply" };
  let items: Labelled[];
  if (community.onNoReply === "deny") {
    const why = noReplyReason(community);
    items = [
      transition(core, request, "pending", "denied", {
        decision: { outcome: "denied", by: SYSTEM, at, reason: why },
        closedAt: at,
        noReplyAt: at,
      }),
      releaseStanding(core, request),
      ...effectPuts(
        core,
        request,
        [thread, { kind: "notice", notice: "denied" }, { kind: "card.update" }],
        "denied",
      ),
      auditPut(core, {
        requestId: request.id,
        actor: SYSTEM,
        action: "no-reply",
        from: "pending",
        to: "denied",
        reason: why,
      }),
      statsAdd(core, request, NO_REPLY_DENIED_DELTA),
    ];
  } else {
    items = [
      labelled("request", {
        Update: {
          TableName: core.store.table,
          Key: keys.request(request.id),
          UpdateExpression: "SET noReplyAt = :at, updatedAt = :at ADD #version :one REMOVE awaitingRound",
          ConditionExpression: "#status = :pending AND awaitingRound = :n",
          ExpressionAttributeNames: names("status", "version"),
          ExpressionAttributeValues: { ":at": at, ":one": 1, ":pending": "pending", ":n": n },
        },
      }),
      ...effectPuts(core, request, [thread, { kind: "card.update" }], `no-reply#${n}`),
      auditPut(core, { requestId: request.id, actor: SYSTEM, action: "no-reply" }),
    ];
  }
  items.push(deleteTimer(core, request.id, "reply", { dueAt: timer.dueAt }));
  const result = await transact(core.store, items);
  if (result.ok) {
    core.log.info("no reply in time", { requestId: request.id, round: n, onNoReply: community.onNoReply });
    return community.onNoReply === "deny" ? "declined" : "back-to-queue";
  }
  return "raced";
}
