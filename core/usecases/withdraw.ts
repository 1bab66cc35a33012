import * as Communities from "../communities.js";
import type { Community } from "../config/schema.js";
import type { Core } from "../context.js";
import { type JoinRequest, OPEN_STATUSES } from "../model.js";
import * as Requests from "../requests.js";
import type { Origin } from "./origin.js";

export type WithdrawOutcome =
  | { kind: "withdrawn"; community: Community; request: JoinRequest }
  /** The named community has no open request of the applicant's. */
  | { kind: "nothing"; community: Community }
  /** No community named, and the applicant has no open request here. */
  | { kind: "none-open" }
  /** No community named, and several open requests: which one? */
  | { kind: "choose"; communities: Community[] }
  | { kind: "unknown"; id: string; communities: Community[] };

/**
 * `/apply withdraw [community]`. Named: that community's open request. Not named: the one open
 * request if there is exactly one, the list of them if there are several.
 */
export async function withdraw(core: Core, origin: Origin, communityId?: string): Promise<WithdrawOutcome> {
  const named = communityId?.trim();
  let community: Community | undefined;
  if (named) {
    const r = Communities.resolve(core, origin.platform, origin.workspace, named);
    if (r.kind !== "found") {
      const known = r.kind === "unknown" || r.kind === "choose" ? r.communities : [];
      return { kind: "unknown", id: named.toLowerCase(), communities: known };
    }
    community = r.community;
  } else {
    const list = await Requests.listForApplicant(core, origin.platform, origin.workspace, origin.userId);
    const open = list
      .filter((r) => OPEN_STATUSES.includes(r.request.status))
      .flatMap((r) => Communities.find(core, r.request.communityId) ?? []);
    if (open.length === 0) return { kind: "none-open" };
    if (open.length > 1) return { kind: "choose", communities: open };
    community = open[0];
  }
  if (!community) return { kind: "none-open" };
  const outcome = await Requests.withdraw(core, community, origin.userId);
  return outcome.kind === "withdrawn"
    ? { kind: "withdrawn", community, request: outcome.request }
    : { kind: "nothing", community };
}
