import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as Capacity from "./capacity.js";
import type { Community } from "./config/schema.js";
import type { Core } from "./context.js";
import { keys } from "./model.js";
import {
  addDays,
  type DayStats,
  type Insights,
  isoWeekOf,
  mondayOf,
  parseDay,
  percentileMs,
  sumDays,
  type WeekFigures,
  windowDays,
} from "./stats.js";
import { TABLE } from "./store/table.js";

/**
 * How a community's door is doing over a window of days, read from the per-day counters
 * (core/stats.ts: one query of at most days × shards small items) plus two cheap reads of the
 * present (seats, and a COUNT of the waitlist index). Nothing here scans requests.
 */
export type { Insights, WeekFigures } from "./stats.js";

/** The community's per-day counters between two UTC days (inclusive), shards summed, by day. */
export async function days(core: Core, community: Community, from: string, to: string): Promise<DayStats[]> {
  const byDay = new Map<string, DayStats[]>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": keys.meta(community.id).pk,
          ":from": `STATS#${from}`,
          ":to": `STATS#${to}#~`,
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const day = parseDay(item);
      byDay.set(day.day, [...(byDay.get(day.day) ?? []), day]);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([d, shards]) => sumDays(shards, d));
}

/** How many wait for a seat now. */
export async function waitlistLength(core: Core, community: Community): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        IndexName: TABLE.indexes.due.name,
        KeyConditionExpression: `${TABLE.indexes.due.partitionKey} = :w`,
        ExpressionAttributeValues: { ":w": keys.waitlist(community.id) },
        Select: "COUNT",
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/** The insights of a community over the last `days` days (today included). */
export async function read(core: Core, community: Community, windowDaysCount: number): Promise<Insights> {
  const span = windowDays(core.now(), windowDaysCount);
  return between(core, community, span[0] ?? "", span[span.length - 1] ?? "");
}

/** The insights of a community between two UTC days (inclusive). */
export async function between(core: Core, community: Community, from: string, to: string): Promise<Insights> {
  const [list, seats, waiting] = await Promise.all([
    days(core, community, from, to),
    Capacity.seats(core, community),
    waitlistLength(core, community),
  ]);
  const count =
    Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
  return summarize(community.id, count, from, to, sumDays(list), seats, waiting);
}

/** The figures of summed counters (pure). */
export function summarize(
  communityId: string,
  days: number,
  from: string,
  to: string,
  total: DayStats,
  seats: Capacity.Seats,
  waitlistLength: number,
): Insights {
  const c = total.counters;
  const ids = new Set([...Object.keys(total.approvedBy), ...Object.keys(total.deniedBy)]);
  return {
    communityId,
    days,
    from,
    to,
    requests: c.requests,
    approved: c.approved,
    waitlisted: c.waitlisted,
    admitted: c.admitted,
    autoApproved: c.autoApproved,
    denied: c.denied,
    deniedByRule: c.deniedByRule,
    deniedFull: c.deniedFull,
    deniedByModerator: c.deniedByModerator,
    deniedNoReply: c.deniedNoReply,
    withdrawn: c.withdrawn,
    expired: c.expired,
    decisions: c.decisions,
    medianMs: percentileMs(total.histogram, 0.5),
    p90Ms: percentileMs(total.histogram, 0.9),
    waitlistLength,
    seats,
    topFailedRules: Object.entries(total.failedRules)
      .map(([rule, count]) => ({ rule, label: total.ruleLabels[rule] ?? rule, count }))
      .sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule))
      .slice(0, 5),
    moderators: [...ids]
      .map((id) => {
        const approved = total.approvedBy[id] ?? 0;
        const denied = total.deniedBy[id] ?? 0;
        return { id, name: total.names[id], approved, denied, total: approved + denied };
      })
      .sort((a, b) => b.total - a.total || a.id.localeCompare(b.id)),
  };
}

/**
 * Requests, approvals and denials per ISO week (UTC days) for the `weeks` weeks that end with the
 * one containing `lastDay`, oldest first; weeks without activity are zeros.
 */
export async function weekly(
  core: Core,
  community: Community,
  lastDay: string,
  weeks: number,
): Promise<WeekFigures[]> {
  const lastMonday = mondayOf(lastDay);
  const firstMonday = addDays(lastMonday, -7 * (weeks - 1));
  const list = await days(core, community, firstMonday, addDays(lastMonday, 6));
  return groupWeeks(list, firstMonday, weeks);
}

/** Pure: per-day counters into week figures. */
export function groupWeeks(list: DayStats[], firstMonday: string, weeks: number): WeekFigures[] {
  const out: WeekFigures[] = [];
  for (let w = 0; w < weeks; w++) {
    const monday = addDays(firstMonday, 7 * w);
    out.push({ week: isoWeekOf(monday), monday, requests: 0, approved: 0, denied: 0 });
  }
  for (const d of list) {
    const figures = out.find((f) => f.monday === mondayOf(d.day));
    if (!figures) continue;
    figures.requests += d.counters.requests;
    figures.approved += d.counters.approved;
    figures.denied += d.counters.denied;
  }
  return out;
}
