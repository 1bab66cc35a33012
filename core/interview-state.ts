import type { InterviewRound, JoinRequest } from "./model.js";

/**
 * Where a request's interview stands, as pure functions of the record: shared by the records
 * module (`core/interview.ts`), the use cases and the card model.
 */

/** The round waiting for a reply, if any. */
export function awaiting(request: JoinRequest): InterviewRound | undefined {
  const n = request.awaitingRound;
  return n === undefined ? undefined : request.interview?.[n - 1];
}

/** Whether a round went unanswered (the request went back to the queue, or was declined, for it). */
export function lapsed(request: JoinRequest, round: InterviewRound): boolean {
  return !round.reply && request.noReplyAt !== undefined && request.noReplyAt >= round.askedAt;
}

export type ReplyStanding = "open" | "closed" | "already" | "lapsed" | "not-found";

/** Where a reply to round `n` stands, before any write. */
export function replyStanding(request: JoinRequest, n: number): ReplyStanding {
  if (request.status !== "pending") return "closed";
  const round = request.interview?.[n - 1];
  if (!round) return "not-found";
  if (round.reply) return "already";
  if (request.awaitingRound !== n) return lapsed(request, round) ? "lapsed" : "already";
  return "open";
}
