import { type Community, type DigestConfig, WEEKDAYS } from "./config/schema.js";
import type { Core } from "./context.js";
import { keys } from "./model.js";
import { isoWeekOf } from "./stats.js";
import { effectPuts } from "./store/items.js";
import { labelled, transact } from "./store/transact.js";

/**
 * The weekly digest's schedule: once the configured moment of an ISO week has passed (day and
 * hour in the configured time zone), the sweeper schedules one `digest.post` task per community,
 * in one transaction with a marker item per community and ISO week. A second sweep that week
 * (the cron running twice, two sweepers at once, a sweep by hand) meets the marker and schedules
 * nothing. A sweep that comes late (the bot was down at the hour) still posts that week's digest.
 * The task itself (core/tasks.ts) renders the chart and hands it to the platform.
 */

export interface DigestSlot {
  /** ISO week of the local date, `2026-W23`. */
  week: string;
  /** Whether this week's moment has passed. */
  due: boolean;
}

/** Where `now` falls relative to this week's digest moment, in the configured time zone (pure). */
export function digestSlot(config: DigestConfig, now: Date): DigestSlot {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: config.timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
      weekday: "long",
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const localDay = `${parts.year}-${parts.month}-${parts.day}`;
  const weekday = WEEKDAYS.indexOf(String(parts.weekday).toLowerCase() as (typeof WEEKDAYS)[number]);
  const hour = Number(parts.hour);
  const wanted = WEEKDAYS.indexOf(config.day);
  return {
    week: isoWeekOf(localDay),
    due: weekday > wanted || (weekday === wanted && hour >= config.hour),
  };
}

export const digestTaskId = (community: Community, week: string): string => `digest-${community.id}-${week}`;

/**
 * Schedules this week's digests that are due and not yet scheduled. Returns the communities
 * scheduled now (none when the digest is off, not due yet, or already done this week).
 */
export async function schedule(core: Core): Promise<string[]> {
  const config = core.config.digest;
  if (!config) return [];
  const slot = digestSlot(config, core.now());
  if (!slot.due) return [];
  const scheduled: string[] = [];
  for (const community of core.config.communities) {
    const taskId = digestTaskId(community, slot.week);
    const result = await transact(core.store, [
      labelled("task", {
        Put: {
          TableName: core.store.table,
          Item: {
            ...keys.digest(community.id, slot.week),
            type: "digest",
            communityId: community.id,
            week: slot.week,
            taskId,
            scheduledAt: core.now().toISOString(),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      }),
      ...effectPuts(
        core,
        { id: taskId, communityId: community.id, platform: community.platform },
        [{ kind: "digest.post", week: slot.week }],
        "digest",
      ),
    ]);
    if (result.ok) scheduled.push(community.id);
  }
  if (scheduled.length > 0) core.log.info("weekly digests scheduled", { week: slot.week, scheduled });
  return scheduled;
}
