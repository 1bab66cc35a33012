import * as z from "zod";
import type { Community } from "./config/schema.js";
import type { Actor, JoinRequest, RequestStatus } from "./model.js";

/**
 * Insights counters, as pure functions. Every state change adds to a per-community, per-day stats
 * item inside the transaction that makes the change (`statsAdd` in core/store/items.ts), so
 * reading a window of days is one query of at most `days × STATS_SHARDS` small items: no scan of
 * requests on any path. Decision times go into a small histogram per day; medians and p90s are
 * read from the summed histogram (to the bucket's upper edge).
 *
 * Each day's counters are spread over a few shards (by request id) so that concurrent
 * transactions of one community rarely touch the same item (DynamoDB cancels concurrent
 * transactions on one item with TransactionConflict; `transact` retries them, but fewer is faster).
 */

export const STATS_SHARDS = 8;
/** Stats items expire (TTL) this long after their day: enough for a 90-day window and the digest. */
export const STATS_KEEP_DAYS = 400;
const DAY_MS = 86_400_000;

/** Plain counters, each a top-level attribute of the stats item. */
export const COUNTERS = [
  "requests",
  /** Approved, by a moderator or automatically, including those that went to the waitlist. */
  "approved",
  /** Of the approved, those that had to wait for a seat. */
  "waitlisted",
  /** Waitlisted applicants given a seat later. */
  "admitted",
  "autoApproved",
  "denied",
  /** Declined at once because rules failed (`onRuleFailure: deny`). */
  "deniedByRule",
  /** Declined at once because the community was full (`whenFull: deny`). */
  "deniedFull",
  /** Denied by a moderator (or an operator). */
  "deniedByModerator",
  /** Declined because a moderator's question went unanswered (`onNoReply: deny`). */
  "deniedNoReply",
  "withdrawn",
  "expired",
  /** Decisions by moderators (the histogram's count). */
  "decisions",
] as const;
export type Counter = (typeof COUNTERS)[number];

/**
 * Upper edges of the decision-time buckets, in minutes: finer where most decisions fall (the
 * first day), coarser after. The last bucket is open-ended (anything longer).
 */
export const DECISION_BUCKETS_MIN = [
  5, 15, 30, 60, 120, 240, 480, 720, 1080, 1440, 2160, 2880, 4320, 7200, 10080, 20160,
] as const;

/** Attribute-name prefixes of the keyed counters. */
const P = {
  rule: "rule#",
  ruleLabel: "ruleLabel#",
  approvedBy: "approvedBy#",
  deniedBy: "deniedBy#",
  moderatorName: "name#",
  bucket: "ttd#",
} as const;

/** The insights windows the surfaces offer (any number of days can be read). */
export const WINDOWS = [7, 30, 90] as const;

export interface Insights {
  communityId: string;
  days: number;
  /** First and last UTC day of the window. */
  from: string;
  to: string;
  requests: number;
  approved: number;
  /** Of the approved, how many went to the waitlist first. */
  waitlisted: number;
  admitted: number;
  autoApproved: number;
  denied: number;
  deniedByRule: number;
  deniedFull: number;
  deniedByModerator: number;
  deniedNoReply: number;
  withdrawn: number;
  expired: number;
  /** Decisions by moderators, and how long requests waited for them (upper bucket edges, ms). */
  decisions: number;
  medianMs: number | undefined;
  p90Ms: number | undefined;
  /** Now, not over the window. */
  waitlistLength: number;
  seats: { used: number; capacity: number | undefined };
  topFailedRules: { rule: string; label: string; count: number }[];
  moderators: { id: string; name: string | undefined; approved: number; denied: number; total: number }[];
}

export interface WeekFigures {
  /** ISO week, `2026-W23`. */
  week: string;
  /** Its Monday (UTC). */
  monday: string;
  requests: number;
  approved: number;
  denied: number;
}

/** What one state change adds. */
export interface StatsDelta {
  counters: Partial<Record<Counter, number>>;
  /** Rules failed by a new request, by rule id (with the label to show). */
  failedRules?: { rule: string; label: string }[];
  /** A moderator's (or operator's) decision: who, which way, and how long the request waited. */
  decision?: { by: Actor; outcome: "approved" | "denied"; waitedMs: number };
}

/** `2026-06-01` (UTC). */
export const dayOf = (at: Date | string): string => new Date(at).toISOString().slice(0, 10);

export function bucketOf(ms: number): number {
  const minutes = ms / 60_000;
  const i = DECISION_BUCKETS_MIN.findIndex((edge) => minutes <= edge);
  return i === -1 ? DECISION_BUCKETS_MIN.length : i;
}

/** The shard of a request's counters: stable per request, spread across requests. */
export function shardOf(requestId: string): number {
  let h = 0;
  for (const c of requestId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % STATS_SHARDS;
}

/** The update expression of a delta: ADD for every number, SET for labels and names (and the TTL). */
export function statsUpdate(
  delta: StatsDelta,
  day: string,
  meta: { communityId: string },
): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const add: string[] = [];
  const set: string[] = [];
  let n = 0;
  const addTo = (attribute: string, by: number) => {
    if (!by) return;
    const i = n++;
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = by;
    add.push(`#a${i} :a${i}`);
  };
  const setTo = (attribute: string, value: unknown) => {
    const i = n++;
    names[`#s${i}`] = attribute;
    values[`:s${i}`] = value;
    set.push(`#s${i} = :s${i}`);
  };
  for (const [counter, by] of Object.entries(delta.counters)) addTo(counter, by ?? 0);
  const seen = new Set<string>();
  for (const { rule, label } of delta.failedRules ?? []) {
    if (seen.has(rule)) continue;
    seen.add(rule);
    addTo(`${P.rule}${rule}`, 1);
    setTo(`${P.ruleLabel}${rule}`, label);
  }
  if (delta.decision) {
    const { by, outcome, waitedMs } = delta.decision;
    addTo(`${outcome === "approved" ? P.approvedBy : P.deniedBy}${by.id}`, 1);
    if (by.name) setTo(`${P.moderatorName}${by.id}`, by.name);
    addTo(`${P.bucket}${bucketOf(waitedMs)}`, 1);
  }
  setTo("type", "stats");
  setTo("communityId", meta.communityId);
  setTo("day", day);
  setTo("expiresAt", Math.floor((Date.parse(`${day}T00:00:00Z`) + STATS_KEEP_DAYS * DAY_MS) / 1000));
  return {
    UpdateExpression: `SET ${set.join(", ")}${add.length > 0 ? ` ADD ${add.join(", ")}` : ""}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** One day's counters as read back (one item per shard; `sumDays` adds them up). */
export interface DayStats {
  day: string;
  counters: Record<Counter, number>;
  failedRules: Record<string, number>;
  ruleLabels: Record<string, string>;
  approvedBy: Record<string, number>;
  deniedBy: Record<string, number>;
  names: Record<string, string>;
  /** Decision-time histogram, index as `bucketOf`. */
  histogram: number[];
}

const statsItemSchema = z.looseObject({ day: z.string() });

export function emptyDay(day: string): DayStats {
  return {
    day,
    counters: Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>,
    failedRules: {},
    ruleLabels: {},
    approvedBy: {},
    deniedBy: {},
    names: {},
    histogram: new Array<number>(DECISION_BUCKETS_MIN.length + 1).fill(0),
  };
}

/** A stats item (any shard) as a day's counters; unknown attributes are ignored. */
export function parseDay(item: Record<string, unknown>): DayStats {
  const { day } = statsItemSchema.parse(item);
  const out = emptyDay(day);
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  for (const [key, value] of Object.entries(item)) {
    if ((COUNTERS as readonly string[]).includes(key)) out.counters[key as Counter] = num(value);
    else if (key.startsWith(P.ruleLabel)) out.ruleLabels[key.slice(P.ruleLabel.length)] = String(value);
    else if (key.startsWith(P.rule)) out.failedRules[key.slice(P.rule.length)] = num(value);
    else if (key.startsWith(P.approvedBy)) out.approvedBy[key.slice(P.approvedBy.length)] = num(value);
    else if (key.startsWith(P.deniedBy)) out.deniedBy[key.slice(P.deniedBy.length)] = num(value);
    else if (key.startsWith(P.moderatorName)) out.names[key.slice(P.moderatorName.length)] = String(value);
    else if (key.startsWith(P.bucket)) {
      const i = Number(key.slice(P.bucket.length));
      if (Number.isInteger(i) && i >= 0 && i < out.histogram.length) out.histogram[i] = num(value);
    }
  }
  return out;
}

const addInto = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

/** Adds days (or shards of days) together. */
export function sumDays(days: DayStats[], label = "total"): DayStats {
  const out = emptyDay(label);
  for (const d of days) {
    for (const c of COUNTERS) out.counters[c] += d.counters[c];
    addInto(out.failedRules, d.failedRules);
    addInto(out.approvedBy, d.approvedBy);
    addInto(out.deniedBy, d.deniedBy);
    Object.assign(out.ruleLabels, d.ruleLabels);
    Object.assign(out.names, d.names);
    d.histogram.forEach((v, i) => {
      out.histogram[i] = (out.histogram[i] ?? 0) + v;
    });
  }
  return out;
}

/**
 * The decision time at or below which a share `p` (0..1) of decisions fell, as the upper edge of
 * its bucket in milliseconds; `Infinity` when it falls in the open-ended bucket, undefined with no
 * decisions.
 */
export function percentileMs(histogram: readonly number[], p: number): number | undefined {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [i, count] of histogram.entries()) {
    seen += count;
    if (seen >= rank) {
      const edge = DECISION_BUCKETS_MIN[i];
      return edge === undefined ? Number.POSITIVE_INFINITY : edge * 60_000;
    }
  }
  return Number.POSITIVE_INFINITY;
}

/** The UTC days of a window ending today (inclusive), oldest first. */
export function windowDays(now: Date, days: number): string[] {
  const out: string[] = [];
  const today = Date.parse(`${dayOf(now)}T00:00:00Z`);
  for (let i = days - 1; i >= 0; i--) out.push(dayOf(new Date(today - i * DAY_MS)));
  return out;
}

/** ISO week (`2026-W23`) of a calendar date given as `YYYY-MM-DD`. */
export function isoWeekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(d.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstMonday = firstThursday.getTime() - ((firstThursday.getUTCDay() + 6) % 7) * DAY_MS;
  const week = Math.floor((thursday.getTime() - 3 * DAY_MS - firstMonday) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The Monday (`YYYY-MM-DD`) of the ISO week that contains `day`. */
export function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return dayOf(new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS));
}

/** Adds days to a `YYYY-MM-DD` date. */
export function addDays(day: string, n: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}

// What each state change counts (one delta per transaction).

/** A new request: counted, with the rules it failed and what it became at once. */
export function submittedDelta(request: JoinRequest, community: Community): StatsDelta {
  const counters: StatsDelta["counters"] = { requests: 1 };
  const byRule = !request.evaluation.passed && community.onRuleFailure === "deny";
  if (request.status === "approved" || request.status === "waitlisted") {
    counters.approved = 1;
    counters.autoApproved = 1;
    if (request.status === "waitlisted") counters.waitlisted = 1;
  }
  if (request.status === "denied") {
    counters.denied = 1;
    counters[byRule ? "deniedByRule" : "deniedFull"] = 1;
  }
  return {
    counters,
    failedRules: request.evaluation.rules
      .filter((r) => !r.passed && r.checked)
      .map((r) => ({ rule: r.rule, label: r.label })),
  };
}

/** A moderator's (or operator's) decision. */
export function decidedDelta(
  to: Extract<RequestStatus, "approved" | "waitlisted" | "denied">,
  by: Actor,
  waitedMs: number,
): StatsDelta {
  const outcome = to === "denied" ? "denied" : "approved";
  return {
    counters: {
      decisions: 1,
      ...(outcome === "approved" ? { approved: 1 } : { denied: 1, deniedByModerator: 1 }),
      ...(to === "waitlisted" ? { waitlisted: 1 } : {}),
    },
    decision: { by, outcome, waitedMs },
  };
}

export const closedDelta = (to: "withdrawn" | "expired"): StatsDelta => ({ counters: { [to]: 1 } });
export const ADMITTED_DELTA: StatsDelta = { counters: { admitted: 1 } };
/** Declined by the sweeper: the applicant did not answer a moderator's question in time. */
export const NO_REPLY_DENIED_DELTA: StatsDelta = { counters: { denied: 1, deniedNoReply: 1 } };

/** The Monday (`YYYY-MM-DD`) of an ISO week (`2026-W23`). */
export function mondayOfIsoWeek(week: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) throw new Error(`not an ISO week: ${week}`);
  const jan4 = `${m[1]}-01-04`;
  return addDays(mondayOf(jan4), 7 * (Number(m[2]) - 1));
}
