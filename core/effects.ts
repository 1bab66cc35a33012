import * as z from "zod";
import type { Community } from "./config/schema.js";
import type { JoinRequest, MessageRef } from "./model.js";
import type { Text } from "./text.js";
import type { BulkDelivery, DigestPost, HomeView } from "./views.js";

/**
 * The port between the core and the chat platforms: the side effects a state change asks for.
 * `bots/slack` and `bots/discord` implement it; the outbox worker calls it, driven by the table's stream.
 *
 * The effect kinds are one zod schema (stored in outbox entries and read back through it); the
 * TypeScript types are inferred from it. Adding a kind touches this schema, the performer
 * (`core/outbox.ts`) and the adapters' effects.
 */

/** Why the applicant is being told something. */
export const NOTICE_KINDS = ["approved", "waitlisted", "admitted", "denied", "expired"] as const;
export const noticeKindSchema = z.enum(NOTICE_KINDS);
export type NoticeKind = z.infer<typeof noticeKindSchema>;

export const effectSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("card.post") }),
  z.object({ kind: z.literal("card.update") }),
  z.object({ kind: z.literal("notice"), notice: noticeKindSchema }),
  z.object({ kind: z.literal("grant") }),
  z.object({ kind: z.literal("revoke") }),
  z.object({ kind: z.literal("remind") }),
  /** Tells the moderators (review channel) that another entry of the request is stuck, and why. */
  z.object({ kind: z.literal("stuck"), effect: z.string(), why: z.string() }),
  /** A moderator's question, sent to the applicant by DM with a Reply button. */
  z.object({ kind: z.literal("question.dm"), round: z.number().int().min(1) }),
  /** One entry of the interview, posted in the card's thread. */
  z.object({
    kind: z.literal("thread.post"),
    round: z.number().int().min(1),
    part: z.enum(["question", "reply", "no-reply"]),
  }),
  // Tasks: work that belongs to no single request (core/tasks.ts); their entries live under a task id.
  /** Republish the moderators' queue views of a community (Slack App Home). */
  z.object({ kind: z.literal("queue.refresh") }),
  /** Run a recorded bulk decision and report it to the moderator who asked. */
  z.object({ kind: z.literal("bulk.run") }),
  /** Post the weekly digest with its chart to the review channel. */
  z.object({ kind: z.literal("digest.post"), week: z.string() }),
]);
export const TASK_KINDS = ["queue.refresh", "bulk.run", "digest.post"] as const;
export type TaskSpec = Extract<EffectSpec, { kind: (typeof TASK_KINDS)[number] }>;
export const isTask = (spec: EffectSpec): spec is TaskSpec =>
  (TASK_KINDS as readonly string[]).includes(spec.kind);
export type EffectSpec = z.infer<typeof effectSpecSchema>;
export type EffectKind = EffectSpec["kind"];

/** What a thread post says: which round of the interview, and which part of it. */
export type ThreadEntry = Omit<Extract<EffectSpec, { kind: "thread.post" }>, "kind">;

/** Whether an admitted member still holds what their seat stands for (Discord: in the server, with the role). */
export type MemberCheck = "member" | "left" | "role-removed";

/** Everything a card, notice or grant needs, read fresh from the table when the effect runs. */
export interface EffectState {
  request: JoinRequest;
  community: Community;
  /** Read for the entries that show it (the card's post and update), not for every entry. */
  seats?: { used: number; capacity: number | undefined } | undefined;
  /** 1-based, for waitlisted requests. */
  waitlistPosition: number | undefined;
}

/**
 * What one performance of an outbox entry knows about itself. Every method takes it; adapters
 * use `key` to make a message findable (Slack metadata) or de-duplicated (Discord nonce), look
 * for an earlier delivery when `unknownSince` is set, and call `ensureTime` before each call.
 */
export interface EffectContext {
  /**
   * The entry's stable id (25 characters or fewer, [0-9a-f]): the same for every attempt of one
   * entry, different for every entry. Discord's `nonce`; Slack's metadata `effect`.
   */
  key: string;
  /**
   * Set when an earlier attempt may have reached the platform without the bot learning the
   * outcome (a timeout, a dropped connection, a 5xx after sending, a worker that died mid-call):
   * when that attempt started (ISO, wall clock). A message that could exist must be looked for
   * (or de-duplicated) before it is sent again.
   */
  unknownSince?: string;
  /** Wall-clock time (ms) after which no new platform call may start; see `ensureTime`. */
  deadline: number;
}

/** Slack message metadata `event_type` of every message the bot posts from the outbox. */
export const EFFECT_EVENT_TYPE = "gatekeeper_effect";

/**
 * The longest one platform call may take (the outbox clients' timeout). The outbox starts an
 * entry, and an adapter a call, only with at least this much time left before the deadline.
 */
export const CALL_TIMEOUT_MS = 10_000;

export interface PlatformEffects {
  /** Posts the approval card to the review channel; returns where it landed. */
  postCard(state: EffectState, ctx?: EffectContext): Promise<MessageRef>;
  /** Re-renders the card from the current state (decision, waitlist, delivery issues). */
  updateCard(state: EffectState, card: MessageRef, ctx?: EffectContext): Promise<void>;
  /** Tells the applicant (a DM). Throws `PermanentEffectError` when they cannot be reached. */
  notify(state: EffectState, notice: NoticeKind, ctx?: EffectContext): Promise<void>;
  /** Grants access: Slack channel invites, Discord roles. Must tolerate "already granted". */
  grant(state: EffectState, ctx?: EffectContext): Promise<void>;
  /**
   * Takes back the access a grant gave (Slack: removes the member from every grant channel;
   * Discord: removes every grant role). Must tolerate "already gone".
   */
  revoke(state: EffectState, ctx?: EffectContext): Promise<void>;
  /** Reminds moderators of a request that has been pending a while. */
  remind(state: EffectState, ctx?: EffectContext): Promise<void>;
  /** Posts the core's words (`core/messages.ts`) to the review channel (a stuck delivery). */
  alert(state: EffectState, text: Text, ctx?: EffectContext): Promise<void>;
  /** Sends the applicant a moderator's question (a DM with a Reply button). */
  askApplicant(state: EffectState, round: number, ctx?: EffectContext): Promise<void>;
  /**
   * Where the interview is threaded, opening it if the platform needs to (Slack: the card's own
   * thread, no call; Discord: a thread started from the card message). Must tolerate "already open".
   */
  openThread(state: EffectState, card: MessageRef, ctx?: EffectContext): Promise<MessageRef>;
  /** Posts one entry of the interview in the thread. */
  postInThread(
    state: EffectState,
    thread: MessageRef,
    entry: ThreadEntry,
    ctx?: EffectContext,
  ): Promise<void>;
  /**
   * Whether an admitted member still holds their seat's access, for platforms without a leave
   * event (Discord). Throws `RetryableEffectError` on a rate limit or outage (the check stops there).
   */
  checkMember?(community: Community, userId: string): Promise<MemberCheck>;
  /**
   * Moderator surfaces (optional: a platform without one skips the task). Slack: publish a user's
   * App Home from the view model the core built (idempotent: a view replaces the last one).
   */
  publishHome?(view: HomeView, ctx?: EffectContext): Promise<void>;
  /**
   * Tells the moderator who asked for a bulk decision what it did (and shows the queue again), by
   * editing the interaction's message in place (idempotent).
   */
  reportBulk?(report: BulkDelivery, ctx?: EffectContext): Promise<void>;
  /**
   * Posts the weekly digest: a short summary and the chart (PNG) to the review channel. When
   * `ctx.unknownSince` is set, an earlier attempt may have posted it: look before posting again.
   */
  postDigest?(digest: DigestPost, ctx?: EffectContext): Promise<void>;
}

/**
 * Why a retryable failure happened; the outbox treats them differently:
 * - `failed`: counts as a failure (backoff, and moderators are told after a few);
 * - `rate-limited`: the platform said "later" (429): retried at its Retry-After, never counted;
 * - `unknown-outcome`: the call may have been performed (timeout, reset, 5xx): counted, and the
 *   next attempt looks for the earlier delivery first;
 * - `out-of-time`: the delivery's deadline came before the call could start: back to the table;
 * - `waiting`: another entry must land first (the card before its update): not counted.
 */
export type RetryReason = "failed" | "rate-limited" | "unknown-outcome" | "out-of-time" | "waiting";

/** A failure worth retrying later (rate limit, 5xx, network). */
export class RetryableEffectError extends Error {
  override name = "RetryableEffectError";
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly reason: RetryReason = "failed",
  ) {
    super(message);
  }
}

/** Throws an `out-of-time` error when a call started now could outlast the delivery's deadline. */
export function ensureTime(ctx: EffectContext | undefined, what: string): void {
  if (ctx && Date.now() + CALL_TIMEOUT_MS > ctx.deadline) {
    throw new RetryableEffectError(`no time left for ${what} before the deadline`, 0, "out-of-time");
  }
}

/** A failure that retrying cannot fix (DMs closed, channel gone, missing permission). */
export class PermanentEffectError extends Error {
  override name = "PermanentEffectError";
  constructor(
    message: string,
    /** Shown to moderators on the card, e.g. "Could not DM the applicant: DMs are closed". */
    readonly issue: string,
  ) {
    super(message);
  }
}
