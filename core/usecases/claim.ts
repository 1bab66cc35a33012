import * as Claims from "../claims.js";
import type { Core } from "../context.js";
import * as Homes from "../homes.js";
import type { Claim, JoinRequest } from "../model.js";
import { authorize, type Refused } from "./decide.js";
import { actorOf, type Origin } from "./origin.js";

/**
 * Claim and Unclaim on the card: "Being reviewed by @mod" so moderators don't duplicate work.
 * Only moderators of the request's community may claim; a claim never stops anyone deciding;
 * it ends on Unclaim (by the claimer) or after `claimMinutes` (the sweep).
 */

export type ClaimOutcome =
  | { kind: "claimed"; request: JoinRequest }
  | { kind: "taken"; claim: Claim }
  | { kind: "already"; request: JoinRequest }
  | Refused;

export type UnclaimOutcome =
  | { kind: "unclaimed"; request: JoinRequest }
  | { kind: "not-yours"; claim: Claim }
  | { kind: "not-claimed" }
  | { kind: "already"; request: JoinRequest }
  | Refused;

export async function claim(core: Core, origin: Origin, requestId: string): Promise<ClaimOutcome> {
  const allowed = await authorize(core, origin, requestId);
  if (!allowed.ok) return allowed.outcome;
  const outcome = await Claims.claim(core, allowed.request, allowed.community, actorOf(origin));
  switch (outcome.kind) {
    case "claimed":
      // The moderators' queue views show who is reviewing what.
      await Homes.touch(core, allowed.community);
      return { kind: "claimed", request: outcome.request };
    case "taken":
      return { kind: "taken", claim: outcome.claim };
    case "closed":
      return { kind: "already", request: outcome.request };
    case "not-found":
      return { kind: "not-found" };
  }
}

export async function unclaim(core: Core, origin: Origin, requestId: string): Promise<UnclaimOutcome> {
  const allowed = await authorize(core, origin, requestId);
  if (!allowed.ok) return allowed.outcome;
  const outcome = await Claims.unclaim(core, allowed.request, actorOf(origin));
  switch (outcome.kind) {
    case "unclaimed":
      await Homes.touch(core, allowed.community);
      return { kind: "unclaimed", request: outcome.request };
    case "not-yours":
      return { kind: "not-yours", claim: outcome.claim };
    case "unclaimed-already":
      return { kind: "not-claimed" };
    case "closed":
      return { kind: "already", request: outcome.request };
    case "not-found":
      return { kind: "not-found" };
  }
}
