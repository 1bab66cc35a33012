import * as Communities from "./communities.js";
import type { Core } from "./context.js";
import {
  CALL_TIMEOUT_MS,
  type EffectContext,
  type PlatformEffects,
  RetryableEffectError,
  type TaskSpec,
} from "./effects.js";
import { REFRESH_WINDOW_MS } from "./homes.js";
import * as Insights from "./insights.js";
import * as Messages from "./messages.js";
import * as Queue from "./queue.js";
import { addDays, mondayOfIsoWeek } from "./stats.js";
import { sleep } from "./store/transact.js";
import * as Bulk from "./usecases/bulk.js";
import { home, queuePage } from "./usecases/queue.js";

/**
 * Outbox tasks: work that belongs to no single request, performed by the worker like any
 * effect (claimed under a lease, within the delivery's deadline, retried, shown by
 * `gatekeeper outbox list` when stuck). Each is safe to repeat: a home view replaces the last
 * one, a bulk decision decides nothing twice and keeps its progress, a digest is found again
 * (Slack) or de-duplicated by its nonce (Discord) after an unknown outcome, and marked performed
 * once posted. Returns why the task was skipped, if it was: a platform whose adapter lacks the
 * surface (Discord has no home tab), or a community no longer configured.
 */
export async function perform(
  core: Core,
  performer: PlatformEffects,
  task: { taskId: string; communityId: string; spec: TaskSpec },
  ctx: EffectContext,
): Promise<string | undefined> {
  switch (task.spec.kind) {
    case "queue.refresh":
      return refreshQueues(core, performer, task.taskId, task.communityId, ctx);
    case "bulk.run":
      return runBulk(core, performer, task.taskId, ctx);
    case "digest.post":
      return postDigest(core, performer, task.communityId, task.spec.week, ctx);
  }
}

const NOT_CONFIGURED = "the community is not configured any more";
const NO_SURFACE = "the platform has no such surface";

/**
 * Republishes the homes of the community's moderators. Refreshes are coalesced per window
 * (core/homes.ts): this one waits for its window to end, so it shows every change of the window.
 */
async function refreshQueues(
  core: Core,
  performer: PlatformEffects,
  taskId: string,
  communityId: string,
  ctx: EffectContext,
): Promise<string | undefined> {
  const community = Communities.find(core, communityId);
  if (!community) return NOT_CONFIGURED;
  if (!performer.publishHome) return NO_SURFACE;
  const bucket = Number(taskId.split("-").pop());
  if (Number.isFinite(bucket)) {
    const wait = Math.min((bucket + 1) * REFRESH_WINDOW_MS - core.now().getTime(), REFRESH_WINDOW_MS + 500);
    if (wait > 0) {
      if (Date.now() + wait + CALL_TIMEOUT_MS > ctx.deadline)
        throw new RetryableEffectError("no time left to wait for the refresh window", 0, "out-of-time");
      await sleep(wait);
    }
  }
  for (const userId of community.moderators.users) {
    const view = await home(core, { platform: community.platform, workspace: community.workspace, userId });
    await performer.publishHome(view, ctx);
  }
  return undefined;
}

async function runBulk(
  core: Core,
  performer: PlatformEffects,
  taskId: string,
  ctx: EffectContext,
): Promise<string | undefined> {
  // Decisions stop while there is still time to report; the rest resume at the next delivery.
  const done = await Bulk.runTask(core, taskId, { deadline: ctx.deadline - CALL_TIMEOUT_MS });
  if (!done) return "the bulk decision's record is gone";
  const { task, report } = done;
  const origin = task.origin;
  if (task.reply.kind === "home") {
    if (performer.publishHome) await performer.publishHome(await home(core, origin), ctx);
    return undefined;
  }
  if (task.reply.kind === "interaction" && performer.reportBulk) {
    const again = await queuePage(core, origin, { communityId: task.communityId, filter: task.filter });
    await performer.reportBulk(
      {
        reply: task.reply,
        report,
        text: Messages.bulkReport(report),
        queue:
          again.kind === "queue"
            ? {
                community: {
                  id: again.community.id,
                  name: again.community.name,
                  platform: again.community.platform,
                  workspace: again.community.workspace,
                },
                page: again.page,
                filter: task.filter,
              }
            : undefined,
      },
      ctx,
    );
  }
  return undefined;
}

/** The 8 weeks a digest charts: the complete ISO weeks before the digest's own. */
export const DIGEST_WEEKS = 8;

async function postDigest(
  core: Core,
  performer: PlatformEffects,
  communityId: string,
  week: string,
  ctx: EffectContext,
): Promise<string | undefined> {
  const community = Communities.find(core, communityId);
  if (!community) return NOT_CONFIGURED;
  if (!performer.postDigest) return NO_SURFACE;
  const monday = mondayOfIsoWeek(week);
  const lastDay = addDays(monday, -1);
  const [weeks, lastWeek, pending] = await Promise.all([
    Insights.weekly(core, community, lastDay, DIGEST_WEEKS),
    Insights.between(core, community, addDays(monday, -7), lastDay),
    Queue.pending(core, [community.id]),
  ]);
  // The workers and sweepers, deployed without the chart, leave digest entries to the platform's
  // digest function (Outbox.redriveDue's `kinds`); should one reach them anyway, it stays due for it.
  if (!core.drawChart)
    throw new RetryableEffectError("this process draws no charts: its worker posts digests");
  const png = await core.drawChart(weeks, `${community.name}: join requests per week`);
  await performer.postDigest(
    {
      community: {
        id: community.id,
        name: community.name,
        platform: community.platform,
        workspace: community.workspace,
        reviewChannel: community.reviewChannel,
      },
      week,
      text: Messages.digest(
        community,
        week,
        weeks[weeks.length - 1],
        lastWeek,
        pending.get(community.id)?.length ?? 0,
      ),
      png,
      filename: `gatekeeper-${community.id}-${week}.png`,
      altText: Messages.digestAlt(community, weeks),
      weeks,
    },
    ctx,
  );
  core.log.info("weekly digest posted", { community: community.id, week });
  return undefined;
}
