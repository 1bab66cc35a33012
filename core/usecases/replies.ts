import * as Messages from "../messages.js";
import type { Text } from "../text.js";
import type { DecideOutcome, DenyFormOutcome } from "./decide.js";

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
