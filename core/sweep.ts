import * as Capacity from "./capacity.js";
import * as Communities from "./communities.js";
import type { Platform } from "./config/schema.js";
import type { Core } from "./context.js";
import * as Digest from "./digest.js";
import * as Outbox from "./outbox.js";
import * as Privacy from "./privacy.js";
import * as Requests from "./requests.js";
import { type ReconcileReport, reconcileSeats } from "./usecases/reconcile.js";
import { sweepTimers, type TimersReport } from "./usecases/timers.js";

const HOUR_MS = 3_600_000;

export interface SweepReport {
  expired: number;
  reminded: number;
  admitted: number;
  /** Communities whose weekly digest this pass scheduled. */
  digests: string[];
  effects: Record<Outbox.RunResult, number>;
  /** Entries still retrying after `STUCK_AFTER` failures (`gatekeeper outbox list`). */
  stuck: number;
  deadLetters: Outbox.EffectItem[];
  /** Closed requests whose personal data moved to its own item; personal items deleted as due. */
  personal: { separated: number; purged: number };
  /** Moderator tools: questions nobody replied to, claims that ran out. */
  timers?: TimersReport;
  /** Discord seats checked against who is still in the server with the role. */
  members?: ReconcileReport;
}

export interface SweepOptions extends Outbox.RunOptions {
  /** Only this platform's communities and outbox entries (each deployed sweeper runs one platform). */
  platform?: Platform | undefined;
  /** Which outbox entries to re-drive (default all); see `Outbox.redriveDue`. */
  kinds?: Outbox.KindFilter | undefined;
}

/**
 * One pass of the scheduled work: expire pending requests past their community's expiry,
 * remind moderators of requests pending too long, admit waitlisted applicants into free seats,
 * schedule the weekly digest when its time has come (once per week), move closed requests' personal
 * data into retention and delete it when due (privacy.ts), and re-drive outbox entries that are
 * due. Idempotent: running it twice does nothing twice.
 */
export async function sweep(
  core: Core,
  performers: Outbox.Performers,
  opts: SweepOptions = {},
): Promise<SweepReport> {
  const now = core.now();
  const communities = core.config.communities.filter((c) => !opts.platform || c.platform === opts.platform);
  const report: SweepReport = {
    expired: 0,
    reminded: 0,
    admitted: 0,
    digests: [],
    effects: Outbox.emptyCounts(),
    stuck: 0,
    deadLetters: [],
    personal: { separated: 0, purged: 0 },
  };
  // The youngest age at which any community reminds or expires a request: younger ones are not read.
  const soonest = Math.min(
    ...communities.map((c) => Math.min(c.remindAfterHours * HOUR_MS, c.pendingExpiryDays * 24 * HOUR_MS)),
  );
  const before = new Date(now.getTime() - soonest).toISOString();
  for await (const request of Requests.pendingOldestFirst(core, before)) {
    const community = Communities.find(core, request.communityId);
    if (!community || !communities.includes(community)) continue;
    const age = now.getTime() - Date.parse(request.createdAt);
    if (age >= community.pendingExpiryDays * 24 * HOUR_MS) {
      if (await Requests.expire(core, request)) report.expired++;
    } else if (age >= community.remindAfterHours * HOUR_MS && !request.remindedAt) {
      if (await Requests.remind(core, request)) report.reminded++;
    }
  }
  report.timers = await sweepTimers(core);
  report.members = await reconcileSeats(core, performers);
  for (const community of communities) {
    report.admitted += (await Capacity.promote(core, community)).length;
  }
  report.digests = await Digest.schedule(core);
  report.personal.separated = await Privacy.separateClosed(core);
  report.personal.purged = await Privacy.purgeExpired(core);
  report.effects = await Outbox.redriveDue(core, performers, opts);
  report.stuck = (await Outbox.stuckEntries(core)).length;
  report.deadLetters = await Outbox.deadLetters(core);
  core.log.info("sweep done", {
    expired: report.expired,
    reminded: report.reminded,
    admitted: report.admitted,
    timers: report.timers,
    members: report.members,
    effects: report.effects,
    stuck: report.stuck,
    digests: report.digests,
    deadLetters: report.deadLetters.length,
    personal: report.personal,
  });
  return report;
}
