import * as Communities from "../communities.js";
import type { Community } from "../config/schema.js";
import type { Core } from "../context.js";
import { deadlineFrom, raceDeadline } from "../deadline.js";
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
 *
 * `precheckWithinMs` bounds the look-up: the form must open while the platform's trigger is
 * valid, and the submission checks the same things again atomically, so a look-up that does not
 * answer in time (a store queueing under a burst) opens the form instead of losing the trigger.
 */
export async function apply(
  core: Core,
  origin: Origin,
  communityId?: string,
  opts: { precheckWithinMs?: number } = {},
): Promise<ApplyOutcome> {
  const r = Communities.resolve(core, origin.platform, origin.workspace, communityId);
  if (r.kind !== "found") return r;
  const check = Requests.precheck(core, r.community, origin.userId);
  const raced =
    opts.precheckWithinMs === undefined
      ? { done: true as const, value: await check }
      : await raceDeadline(deadlineFrom(Date.now(), opts.precheckWithinMs), check);
  if (!raced.done) {
    raced.later.catch(() => undefined);
    core.log.warn("apply: precheck too slow, the form opens and the submission checks", {
      community: r.community.id,
      withinMs: opts.precheckWithinMs,
    });
    return { kind: "form", community: r.community };
  }
  const refusal = raced.value;
  return refusal
    ? { kind: "refused", community: r.community, refusal }
    : { kind: "form", community: r.community };
}
