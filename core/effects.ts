import { z } from "zod";
import type { Community } from "./config/schema.js";
import type { JoinRequest, MessageRef } from "./model.js";

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
  z.object({ kind: z.literal("remind") }),
  /** A moderator's question, sent to the applicant by DM with a Reply button. */
  z.object({ kind: z.literal("question.dm"), round: z.number().int().min(1) }),
  /** One entry of the interview, posted in the card's thread. */
  z.object({
    kind: z.literal("thread.post"),
    round: z.number().int().min(1),
    part: z.enum(["question", "reply", "no-reply"]),
  }),
]);
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
  seats: { used: number; capacity: number | undefined };
  /** 1-based, for waitlisted requests. */
  waitlistPosition: number | undefined;
}

export interface PlatformEffects {
  /** Posts the approval card to the review channel; returns where it landed. */
  postCard(state: EffectState): Promise<MessageRef>;
  /** Re-renders the card from the current state (decision, waitlist, delivery issues). */
  updateCard(state: EffectState, card: MessageRef): Promise<void>;
  /** Tells the applicant (a DM). Throws `PermanentEffectError` when they cannot be reached. */
  notify(state: EffectState, notice: NoticeKind): Promise<void>;
  /** Grants access: Slack channel invites, Discord roles. Must tolerate "already granted". */
  grant(state: EffectState): Promise<void>;
  /** Reminds moderators of a request that has been pending a while. */
  remind(state: EffectState): Promise<void>;
  /** Sends the applicant a moderator's question (a DM with a Reply button). */
  askApplicant(state: EffectState, round: number): Promise<void>;
  /**
   * Where the interview is threaded, opening it if the platform needs to (Slack: the card's own
   * thread, no call; Discord: a thread started from the card message). Must tolerate "already open".
   */
  openThread(state: EffectState, card: MessageRef): Promise<MessageRef>;
  /** Posts one entry of the interview in the thread. */
  postInThread(state: EffectState, thread: MessageRef, entry: ThreadEntry): Promise<void>;
  /**
   * Whether an admitted member still holds their seat's access, for platforms without a leave
   * event (Discord). Throws `RetryableEffectError` on a rate limit or outage (the check stops there).
   */
  checkMember?(community: Community, userId: string): Promise<MemberCheck>;
}

/** A failure worth retrying later (rate limit, 5xx, network). */
export class RetryableEffectError extends Error {
  override name = "RetryableEffectError";
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
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
