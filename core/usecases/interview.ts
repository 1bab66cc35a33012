import * as Communities from "../communities.js";
import type { Community } from "../config/schema.js";
import type { Core } from "../context.js";
import * as Homes from "../homes.js";
import * as Interview from "../interview.js";
import { awaiting, type ReplyStanding, replyStanding } from "../interview-state.js";
import { QUESTION_MAX, REPLY_MAX } from "../limits.js";
import type { InterviewRound, JoinRequest } from "../model.js";
import type { Platform } from "../platform.js";
import * as Requests from "../requests.js";
import { authorize, type Refused } from "./decide.js";
import { actorOf, type Origin } from "./origin.js";

/**
 * Ask the applicant a question (the interview). A moderator of the request's community asks from
 * the card; the applicant gets a DM with a Reply button; the exchange is threaded under the card
 * and the card says whether a reply is awaited. One question is open at a time; several rounds
 * are fine. The sweep ends a round nobody replied to (`core/usecases/timers.ts`).
 */

export type AskFormOutcome =
  | { kind: "form"; request: JoinRequest; community: Community }
  /** A question is still waiting for the applicant's reply. */
  | { kind: "busy"; round: InterviewRound }
  | { kind: "already"; request: JoinRequest }
  | Refused;

export type AskOutcome =
  | { kind: "asked"; request: JoinRequest; round: InterviewRound }
  | { kind: "busy"; round: InterviewRound }
  | { kind: "already"; request: JoinRequest }
  | { kind: "invalid"; problem: "empty" | "too-long"; max: number }
  | Refused;

/** The question form, for a moderator of a pending request with no open question. */
export async function askForm(core: Core, origin: Origin, requestId: string): Promise<AskFormOutcome> {
  const allowed = await authorize(core, origin, requestId);
  if (!allowed.ok) return allowed.outcome;
  const { request, community } = allowed;
  if (request.status !== "pending") return { kind: "already", request };
  const open = awaiting(request);
  return open ? { kind: "busy", round: open } : { kind: "form", request, community };
}

/** Records the question (the DM, the thread post and the card update are outbox work). */
export async function ask(
  core: Core,
  origin: Origin,
  input: { requestId: string; question: string | undefined },
): Promise<AskOutcome> {
  const question = input.question?.trim() ?? "";
  if (!question) return { kind: "invalid", problem: "empty", max: QUESTION_MAX };
  if ([...question].length > QUESTION_MAX) return { kind: "invalid", problem: "too-long", max: QUESTION_MAX };
  const allowed = await authorize(core, origin, input.requestId);
  if (!allowed.ok) return allowed.outcome;
  const outcome = await Interview.ask(core, allowed.request, allowed.community, actorOf(origin), question);
  switch (outcome.kind) {
    case "asked":
      // The moderators' queue views show the request waiting for the applicant's reply.
      await Homes.touch(core, allowed.community);
      return outcome;
    case "busy": {
      const open = awaiting(outcome.request);
      return open ? { kind: "busy", round: open } : { kind: "already", request: outcome.request };
    }
    case "closed":
      return { kind: "already", request: outcome.request };
    case "not-found":
      return { kind: "not-found" };
  }
}

/**
 * The applicant, as the platform identified them. A Discord DM carries no server, so the
 * workspace is checked only when the platform sends one; the user id is what counts.
 */
export interface Applicant {
  platform: Platform;
  userId: string;
  workspace?: string | undefined;
}

export type ReplyRefusal = Exclude<ReplyStanding, "open"> | "not-yours";

export type ReplyFormOutcome =
  | { kind: "form"; request: JoinRequest; community: Community; round: InterviewRound }
  | { kind: "refused"; reason: ReplyRefusal; community: Community | undefined };

export type ReplyOutcome =
  | { kind: "replied"; request: JoinRequest; community: Community }
  | { kind: "invalid"; problem: "empty" | "too-long"; max: number }
  | { kind: "refused"; reason: ReplyRefusal; community: Community | undefined };

async function ownRequest(
  core: Core,
  who: Applicant,
  requestId: string,
): Promise<{ request: JoinRequest; community: Community | undefined } | { refused: ReplyRefusal }> {
  const request = await Requests.get(core, requestId);
  if (!request) return { refused: "not-found" };
  const mine =
    request.platform === who.platform &&
    request.applicant.userId === who.userId &&
    (who.workspace === undefined || who.workspace === request.workspace);
  if (!mine) {
    core.log.info("reply refused: not the applicant", { requestId, user: who.userId });
    return { refused: "not-yours" };
  }
  return { request, community: Communities.find(core, request.communityId) };
}

/** The Reply button: the form, while the question waits for this applicant's reply. */
export async function replyForm(
  core: Core,
  who: Applicant,
  input: { requestId: string; round: number },
): Promise<ReplyFormOutcome> {
  const own = await ownRequest(core, who, input.requestId);
  if ("refused" in own) return { kind: "refused", reason: own.refused, community: undefined };
  const { request, community } = own;
  const standing = replyStanding(request, input.round);
  const round = request.interview?.[input.round - 1];
  if (standing !== "open" || !round || !community)
    return { kind: "refused", reason: standing === "open" ? "not-found" : standing, community };
  return { kind: "form", request, community, round };
}

/** The reply comes back: recorded once (threaded under the card by the outbox), or refused politely. */
export async function reply(
  core: Core,
  who: Applicant,
  input: { requestId: string; round: number; text: string | undefined },
): Promise<ReplyOutcome> {
  const text = input.text?.trim() ?? "";
  if (!text) return { kind: "invalid", problem: "empty", max: REPLY_MAX };
  if ([...text].length > REPLY_MAX) return { kind: "invalid", problem: "too-long", max: REPLY_MAX };
  const own = await ownRequest(core, who, input.requestId);
  if ("refused" in own) return { kind: "refused", reason: own.refused, community: undefined };
  const { request, community } = own;
  if (!community) return { kind: "refused", reason: "not-found", community };
  const outcome = await Interview.reply(core, request, input.round, text);
  if (outcome.kind === "replied") {
    await Homes.touch(core, community);
    return { kind: "replied", request: outcome.request, community };
  }
  return { kind: "refused", reason: outcome.kind, community };
}
