import * as Claims from "../claims.js";
import * as Communities from "../communities.js";
import type { Core } from "../context.js";
import * as Interview from "../interview.js";
import { dueTimers } from "../store/timers.js";

export interface TimersReport {
  /** Questions nobody replied to: back in the queue ("no reply"), or declined (`onNoReply: deny`). */
  noReply: number;
  claimsEnded: number;
}

/**
 * The moderator tools' part of the sweep: every timer that is due (a reply the applicant owed, a
 * claim that ran out). Each is ended by a transaction conditioned on the timer itself, so racing
 * sweepers end it once; a timer whose request moved on (replied, decided) is only cleared.
 */
export async function sweepTimers(core: Core): Promise<TimersReport> {
  const report: TimersReport = { noReply: 0, claimsEnded: 0 };
  for (const timer of await dueTimers(core)) {
    if (timer.kind === "reply") {
      const outcome = await Interview.lapse(core, timer, Communities.find(core, timer.communityId));
      if (outcome === "back-to-queue" || outcome === "declined") report.noReply++;
    } else if ((await Claims.expire(core, timer)) === "ended") report.claimsEnded++;
  }
  return report;
}
