import * as Capacity from "../capacity.js";
import * as Communities from "../communities.js";
import type { Community } from "../config/schema.js";
import type { Core } from "../context.js";
import * as Homes from "../homes.js";
import type { JoinRequest } from "../model.js";
import * as Requests from "../requests.js";
import { failureSummary } from "../rules.js";
import { actorOf, isOperator, type Origin } from "./origin.js";

export type Refused = { kind: "forbidden" } | { kind: "not-found" };

export type DecideOutcome =
  | { kind: "decided"; request: JoinRequest }
  | { kind: "already"; request: JoinRequest }
  | { kind: "full"; request: JoinRequest; community: Community; seats: Capacity.Seats }
  | Refused;

export type DenyFormOutcome =
  | { kind: "form"; request: JoinRequest; community: Community; prefill: string }
  | { kind: "already"; request: JoinRequest }
  | Refused;

/**
 * Who may decide on a request: a moderator of its community (by user id, or on Discord by role),
 * acting from the community's own platform and workspace. Every surface that decides (card
 * buttons, the reason modal, the queue, bulk actions) goes through here. An operator origin
 * (`operatorOrigin`, built only by the CLI) counts as a moderator of the community it names.
 */
export async function authorize(
  core: Core,
  origin: Origin,
  requestId: string,
): Promise<{ ok: true; request: JoinRequest; community: Community } | { ok: false; outcome: Refused }> {
  const request = await Requests.get(core, requestId);
  const community = request ? Communities.find(core, request.communityId) : undefined;
  if (!request || !community) return { ok: false, outcome: { kind: "not-found" } };
  const here =
    request.platform === origin.platform &&
    community.platform === origin.platform &&
    request.workspace === origin.workspace;
  const moderator =
    isOperator(origin) || Communities.isModerator(community, origin.userId, origin.roles ?? []);
  if (!here || !moderator) {
    core.log.info("decision refused: not a moderator here", { requestId, user: origin.userId });
    return { ok: false, outcome: { kind: "forbidden" } };
  }
  return { ok: true, request, community };
}

/** Approve or deny. One decision wins, however many moderators click, however often. */
export async function decide(
  core: Core,
  origin: Origin,
  input: {
    requestId: string;
    outcome: "approve" | "deny";
    reason?: string | undefined;
    /** Deny and block: the applicant may not apply to this community again (until unblocked). */
    block?: boolean | undefined;
  },
): Promise<DecideOutcome> {
  const allowed = await authorize(core, origin, input.requestId);
  if (!allowed.ok) return allowed.outcome;
  const { community } = allowed;
  const outcome = await Requests.decide(core, {
    request: allowed.request,
    community,
    by: actorOf(origin),
    outcome: input.outcome,
    reason: input.reason,
    block: input.outcome === "deny" && input.block === true,
  });
  if (outcome.kind === "full") return { ...outcome, community, seats: await Capacity.seats(core, community) };
  // The moderators' queue views (Slack App Home) show the change: an outbox task, coalesced.
  if (outcome.kind === "decided") await Homes.touch(core, community);
  return outcome;
}

/** Deny asks for a reason first: the form, pre-filled with the failed rules, for a moderator of a pending request. */
export async function denyForm(core: Core, origin: Origin, requestId: string): Promise<DenyFormOutcome> {
  const allowed = await authorize(core, origin, requestId);
  if (!allowed.ok) return allowed.outcome;
  const { request, community } = allowed;
  if (request.status !== "pending") return { kind: "already", request };
  return { kind: "form", request, community, prefill: failureSummary(request.evaluation) };
}
