import * as Communities from "../communities.js";
import type { Community } from "../config/schema.js";
import type { Core } from "../context.js";
import type { Refusal } from "../policy.js";
import * as Requests from "../requests.js";
import type { Origin } from "./origin.js";

export type ApplyOutcome =
  /** The community's form may open. */
  | { kind: "form"; community: Community }
  /** The applicant may not apply now; no form opens. */
  | { kind: "refused"; community: Community; refusal: Refusal }
  /** Several communities here and none named. */
  | { kind: "choose"; communities: Community[] }
  | { kind: "unknown"; id: string; communities: Community[] }
  | { kind: "none" };

/**
 * `/apply [community]`: the form of the named (or only) community of the origin's workspace, or
 * why not. Refusals (pending, waitlisted, member, cooldown, blocked, full) come before any form.
 */
export async function apply(core: Core, origin: Origin, communityId?: string): Promise<ApplyOutcome> {
  const r = Communities.resolve(core, origin.platform, origin.workspace, communityId);
  if (r.kind !== "found") return r;
  const refusal = await Requests.precheck(core, r.community, origin.userId);
  return refusal
    ? { kind: "refused", community: r.community, refusal }
    : { kind: "form", community: r.community };
}
