import { renderWeeklyChart } from "./chart.js";
import * as Communities from "./communities.js";
import type { Core } from "./context.js";
import type { PlatformEffects, TaskSpec } from "./effects.js";
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
 * effect (claimed once, retried, dead-lettered). A platform whose adapter lacks the surface
 * (Discord has no home tab) skips the task.
 */
export async function perform(
  core: Core,
  performer: PlatformEffects,
  task: { taskId: string; communityId: string; spec: TaskSpec },
): Promise<void> {
  switch (task.spec.kind) {
    case "queue.refresh":
      return refreshQueues(core, performer, task.taskId, task.communityId);
    case "bulk.run":
      return runBulk(core, performer, task.taskId);
    case "digest.post":
      return postDigest(core, performer, task.communityId, task.spec.week);
  }
}

/**
 * Republishes the homes of the community's moderators. Refreshes are coalesced per window
 * (core/homes.ts): this one waits for its window to end, so it shows every change of the window.
 */
async function refreshQueues(
  core: Core,
  performer: PlatformEffects,
  taskId: string,
  communityId: string,
): Promise<void> {
  const community = Communities.find(core, communityId);
  if (!community || !performer.publishHome) return;
  const bucket = Number(taskId.split("-").pop());
  if (Number.isFinite(bucket)) {
    const wait = (bucket + 1) * REFRESH_WINDOW_MS - core.now().getTime();
    if (wait > 0) await sleep(Math.min(wait, REFRESH_WINDOW_MS + 500));
  }
  for (const userId of community.moderators.users) {
    const view = await home(core, { platform: community.platform, workspace: community.workspace, userId });
    await performer.publishHome(view);
  }
}

async function runBulk(core: Core, performer: PlatformEffects, taskId: string): Promise<void> {
  const done = await Bulk.runTask(core, taskId);
  if (!done) return;
  const { task, report } = done;
  const origin = task.origin;
  if (task.reply.kind === "home") {
    if (performer.publishHome) await performer.publishHome(await home(core, origin));
    return;
  }
  if (task.reply.kind === "interaction" && performer.reportBulk) {
    const again = await queuePage(core, origin, { communityId: task.communityId, filter: task.filter });
    await performer.reportBulk({
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
    });
  }
}

/** The 8 weeks a digest charts: the complete ISO weeks before the digest's own. */
export const DIGEST_WEEKS = 8;

async function postDigest(
  core: Core,
  performer: PlatformEffects,
  communityId: string,
  week: string,
): Promise<void> {
  const community = Communities.find(core, communityId);
  if (!community || !performer.postDigest) return;
  const monday = mondayOfIsoWeek(week);
  const lastDay = addDays(monday, -1);
  const [weeks, lastWeek, pending] = await Promise.all([
    Insights.weekly(core, community, lastDay, DIGEST_WEEKS),
    Insights.between(core, community, addDays(monday, -7), lastDay),
    Queue.pending(core, [community.id]),
  ]);
  const png = await renderWeeklyChart(weeks, `${community.name}: join requests per week`);
  await performer.postDigest({
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
  });
  core.log.info("weekly digest posted", { community: community.id, week });
}
