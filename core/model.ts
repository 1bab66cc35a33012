import * as z from "zod";
import { platformSchema } from "./platform.js";
import { profileSchema } from "./profile.js";

/** The states of a join request. `waitlisted` is approved but waiting for a seat. */
export const REQUEST_STATUSES = [
  "pending",
  "approved",
  "waitlisted",
  "denied",
  "withdrawn",
  "expired",
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses that hold the applicant's one open request per community. */
export const OPEN_STATUSES: readonly RequestStatus[] = ["pending", "waitlisted"];

/**
 * Legal transitions. `transition()` in requests.ts refuses to build any other; the store's
 * condition on the status being left makes each one happen at most once.
 */
export const TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  pending: ["approved", "waitlisted", "denied", "withdrawn", "expired"],
  waitlisted: ["approved", "withdrawn"],
  approved: [],
  denied: [],
  withdrawn: [],
  expired: [],
};

export const actorSchema = z.object({
  /** `operator`: someone running the CLI on the deployment (`gatekeeper decide`), not a platform user. */
  kind: z.enum(["user", "system", "operator"]),
  id: z.string(),
  name: z.string().optional(),
});
export type Actor = z.infer<typeof actorSchema>;
export const SYSTEM: Actor = { kind: "system", id: "gatekeeper", name: "Gatekeeper" };

export const ruleResultSchema = z.object({
  rule: z.string(),
  label: z.string(),
  passed: z.boolean(),
  /** Absent on requests recorded before unchecked rules were told apart: they were checked. */
  checked: z.boolean().default(true),
  detail: z.string(),
});

export const evaluationSchema = z.object({
  rules: z.array(ruleResultSchema),
  passed: z.boolean(),
  score: z.number(),
  breakdown: z.object({
    score: z.number(),
    items: z.array(z.object({ label: z.string(), points: z.number(), max: z.number(), detail: z.string() })),
  }),
});

export const messageRefSchema = z.object({ channel: z.string(), id: z.string() });
export type MessageRef = z.infer<typeof messageRefSchema>;

/** One question a moderator asked the applicant, and what became of it. */
export const interviewRoundSchema = z.object({
  /** 1-based. */
  n: z.number().int(),
  question: z.string(),
  askedBy: actorSchema,
  askedAt: z.string(),
  /** When the applicant's time to reply runs out. */
  dueAt: z.string(),
  reply: z.string().optional(),
  repliedAt: z.string().optional(),
});
export type InterviewRound = z.infer<typeof interviewRoundSchema>;

/** A moderator's claim: "I am reviewing this one". Anyone can still decide. */
export const claimSchema = z.object({ by: actorSchema, at: z.string(), until: z.string() });
export type Claim = z.infer<typeof claimSchema>;

/**
 * What moderators should know about the applicant's earlier requests in the same community,
 * recorded with the request (earlier requests are closed, so it never goes stale).
 */
export const requestHistorySchema = z.object({
  /** Newest first, at most a few. */
  earlier: z.array(
    z.object({
      id: z.string(),
      status: z.enum(REQUEST_STATUSES),
      createdAt: z.string(),
      closedAt: z.string().optional(),
      by: actorSchema.optional(),
      reason: z.string().optional(),
      blocked: z.boolean().optional(),
    }),
  ),
  /** Earlier requests not listed. */
  more: z.number().int(),
  /** Each question against the last request's answer; absent when there is no earlier request. */
  diff: z
    .array(z.object({ id: z.string(), label: z.string(), change: z.enum(["changed", "unchanged", "new"]) }))
    .optional(),
});
export type RequestHistory = z.infer<typeof requestHistorySchema>;

export const joinRequestSchema = z.object({
  id: z.string(),
  communityId: z.string(),
  platform: platformSchema,
  workspace: z.string(),
  applicant: z.object({ userId: z.string(), name: z.string() }),
  answers: z.array(z.object({ id: z.string(), label: z.string(), value: z.string() })),
  note: z.string().optional(),
  profile: profileSchema,
  evaluation: evaluationSchema,
  status: z.enum(REQUEST_STATUSES),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  decision: z
    .object({
      outcome: z.enum(["approved", "denied"]),
      by: actorSchema,
      at: z.string(),
      reason: z.string().optional(),
    })
    .optional(),
  waitlist: z.object({ ticket: z.number().int(), since: z.string() }).optional(),
  admittedAt: z.string().optional(),
  /** When the member's seat was given back (left, removed, released); the access is revoked. */
  leftAt: z.string().optional(),
  closedAt: z.string().optional(),
  card: messageRefSchema.optional(),
  /** Delivery problems moderators should see on the card (e.g. the applicant's DMs are closed). */
  issues: z.array(z.string()).optional(),
  remindedAt: z.string().optional(),
  /**
   * Set once the request is closed and its personal part (applicant name, answers, note,
   * profile, rule details) was moved to its own item, deleted `retentionDays` later; see
   * core/privacy.ts. `removed` says when it is gone: expired, or erased on request.
   */
  privacy: z
    .object({
      retentionDays: z.number(),
      expiresAt: z.string(),
      removed: z.enum(["expired", "erased"]).optional(),
    })
    .optional(),
  /** Questions moderators asked the applicant, in order (the exchange is threaded under the card). */
  interview: z.array(interviewRoundSchema).optional(),
  /** The round waiting for the applicant's reply, if any (the condition of replies and of asking again). */
  awaitingRound: z.number().int().optional(),
  /** When a question went unanswered and the request went back to the queue ("no reply"). */
  noReplyAt: z.string().optional(),
  claim: claimSchema.optional(),
  /** Denied and blocked from applying again, by whom and when. */
  blocked: z.object({ by: actorSchema, at: z.string() }).optional(),
  /** Where the interview is threaded (Slack: the card's own thread; Discord: a thread from the card). */
  thread: messageRefSchema.optional(),
  history: requestHistorySchema.optional(),
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const applicantStandingSchema = z.object({
  activeRequestId: z.string().optional(),
  /** The applicant's latest recorded request here (a retried submission finds its first recording by it). */
  lastRequestId: z.string().optional(),
  cooldownUntil: z.string().optional(),
  memberSince: z.string().optional(),
  /** The request whose approval made them a member (its grant is the access the seat stands for). */
  membershipRequestId: z.string().optional(),
  blocked: z.boolean().optional(),
  /** Who blocked the applicant from the card (deny and block), and when. */
  blockedBy: actorSchema.optional(),
  blockedAt: z.string().optional(),
});
export type ApplicantStanding = z.infer<typeof applicantStandingSchema>;

export const communityMetaSchema = z.object({
  seatsUsed: z.number().int().default(0),
  waitSeq: z.number().int().default(0),
});
export type CommunityMeta = z.infer<typeof communityMetaSchema>;

export const seatCounterSchema = z.object({ used: z.number().int().default(0) });

export const auditEntrySchema = z.object({
  requestId: z.string(),
  at: z.string(),
  actor: actorSchema,
  action: z.string(),
  from: z.enum(REQUEST_STATUSES).optional(),
  to: z.enum(REQUEST_STATUSES).optional(),
  reason: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Item keys, in one place. */
/** Sort-key prefix of the seat counters, which sort after META in the community's partition. */
export const SEAT_COUNTER_PREFIX = "SEATS#";

export const keys = {
  request: (id: string) => ({ pk: `REQ#${id}`, sk: "REQ" }),
  effect: (requestId: string, name: string) => ({ pk: `REQ#${requestId}`, sk: `EFFECT#${name}` }),
  audit: (requestId: string, at: string, n: string) => ({ pk: `REQ#${requestId}`, sk: `AUDIT#${at}#${n}` }),
  /** A closed request's personal part, kept until its TTL (core/privacy.ts). */
  personal: (requestId: string) => ({ pk: `REQ#${requestId}`, sk: "PERSONAL" }),
  meta: (communityId: string) => ({ pk: `COMMUNITY#${communityId}`, sk: "META" }),
  /** One of a community's seat counters (core/capacity.ts), `k` in 0..SEAT_COUNTERS-1. */
  seatCounter: (communityId: string, k: number) => ({
    pk: `COMMUNITY#${communityId}`,
    sk: `${SEAT_COUNTER_PREFIX}${String(k).padStart(2, "0")}`,
  }),
  applicant: (communityId: string, userId: string) => ({
    pk: `COMMUNITY#${communityId}`,
    sk: `APPLICANT#${userId}`,
  }),
  draft: (key: string) => ({ pk: `DRAFT#${key}`, sk: "DRAFT" }),
  /** A request's timer (a reply due, a claim ending), found by the sweeper in gsi1 `TIMERS`. */
  timer: (requestId: string, kind: string) => ({ pk: `REQ#${requestId}`, sk: `TIMER#${kind}` }),
  /** The Discord seat check's place in a community's members. */
  reconcile: (communityId: string) => ({ pk: `COMMUNITY#${communityId}`, sk: "RECONCILE" }),
  /** A community's insights counters for one UTC day, spread over a few shards (core/stats.ts). */
  stats: (communityId: string, day: string, shard: number) => ({
    pk: `COMMUNITY#${communityId}`,
    sk: `STATS#${day}#${shard}`,
  }),
  /**
   * Work that belongs to no single request (a bulk decision, a queue refresh, a weekly digest)
   * lives in a partition of its own under the same prefix, so the outbox performs its entries like
   * any other. Task ids never look like request ids (`r` + 20 hex): `bulk-…`, `home-…`, `digest-…`.
   */
  task: (taskId: string) => ({ pk: `REQ#${taskId}`, sk: "TASK" }),
  /** The weekly digest's once-per-ISO-week marker of a community. */
  digest: (communityId: string, week: string) => ({ pk: `COMMUNITY#${communityId}`, sk: `DIGEST#${week}` }),
  /** A Slack user's App Home state (filters, pages, the last bulk report). */
  home: (platform: string, workspace: string, userId: string) => ({
    pk: `HOME#${platform}#${workspace}#${userId}`,
    sk: "HOME",
  }),
  /** gsi2: an applicant's requests across communities of one workspace. */
  byApplicant: (platform: string, workspace: string, userId: string) =>
    `APPLICANT#${platform}#${workspace}#${userId}`,
  /** gsi1 partitions. */
  pending: "PENDING",
  waitlist: (communityId: string) => `WAITLIST#${communityId}`,
  outbox: "OUTBOX",
  deadLetter: "DEADLETTER",
  /** Closed requests whose personal part is still in the request item (moved by the sweeper). */
  privacyMove: "PRIVACY#MOVE",
  /** Personal items by expiry (the sweeper deletes what DynamoDB's TTL has not yet). */
  privacyExpiry: "PRIVACY#EXPIRY",
  timers: "TIMERS",
} as const;

/** Waitlist tickets sort as strings in gsi1. */
export const ticketKey = (ticket: number): string => ticket.toString().padStart(12, "0");
