import * as Messages from "../messages.js";
import type { Platform } from "../platform.js";
import type { Text } from "../text.js";
import type { ClaimOutcome, UnclaimOutcome } from "./claim.js";
import type { DecideOutcome, DenyFormOutcome } from "./decide.js";
import type { AskFormOutcome, AskOutcome, ReplyFormOutcome, ReplyOutcome } from "./interview.js";

/**
 * What a moderator is told about a decision that did not happen (or nothing, when it did: the
 * card itself changes). One mapping for every surface and platform.
 */
export function decisionReply(
  outcome: DecideOutcome | Exclude<DenyFormOutcome, { kind: "form" }>,
): Text | undefined {
  switch (outcome.kind) {
    case "decided":
      return undefined;
    case "already":
      return Messages.alreadyDecided(outcome.request);
    case "full":
      return Messages.fullForApproval(outcome.community, outcome.seats);
    case "forbidden":
      return Messages.NOT_A_MODERATOR;
    case "not-found":
      return Messages.REQUEST_GONE;
  }
}

/** What a moderator is told about a question that was not asked (or nothing: the card changes). */
export function askReply(outcome: AskOutcome | Exclude<AskFormOutcome, { kind: "form" }>): Text | undefined {
  switch (outcome.kind) {
    case "asked":
      return undefined;
    case "busy":
      return Messages.questionPending(outcome.round);
    case "already":
      return Messages.alreadyDecided(outcome.request);
    case "invalid":
      return Messages.askInvalid(outcome.problem, outcome.max);
    case "forbidden":
      return Messages.NOT_A_MODERATOR;
    case "not-found":
      return Messages.REQUEST_GONE;
  }
}

/** What an applicant is told about a reply (or its form) that cannot be taken. */
export function replyReply(
  outcome: ReplyOutcome | Exclude<ReplyFormOutcome, { kind: "form" }>,
  platform: Platform,
): Text {
  switch (outcome.kind) {
    case "replied":
      return Messages.replySent(outcome.community);
    case "invalid":
      return Messages.replyInvalid(outcome.problem, outcome.max);
    case "refused":
      return Messages.replyRefused(outcome.reason, outcome.community, platform);
  }
}

/** What a moderator is told about a claim or unclaim that did not happen (or nothing). */
export function claimReply(outcome: ClaimOutcome | UnclaimOutcome): Text | undefined {
  switch (outcome.kind) {
    case "claimed":
    case "unclaimed":
      return undefined;
    case "taken":
      return Messages.claimTaken(outcome.claim);
    case "not-yours":
      return Messages.notYourClaim(outcome.claim);
    case "not-claimed":
      return Messages.NOT_CLAIMED;
    case "already":
      return Messages.alreadyDecided(outcome.request);
    case "forbidden":
      return Messages.NOT_A_MODERATOR;
    case "not-found":
      return Messages.REQUEST_GONE;
  }
}
