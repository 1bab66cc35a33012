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
  const refusal =
    opts.precheckWithinMs === undefined ? await check : await bounded(check, opts.precheckWithinMs);
  if (refusal === "late") {
    core.log.warn("apply: precheck too slow, the form opens and the submission checks", {
      community: r.community.id,
      withinMs: opts.precheckWithinMs,
    });
    return { kind: "form", community: r.community };
  }
  return refusal
    ? { kind: "refused", community: r.community, refusal }
    : { kind: "form", community: r.community };
}

async function bounded<T>(work: Promise<T>, ms: number): Promise<T | "late"> {
  if (ms <= 0) {
    work.catch(() => undefined);
    return "late";
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}
