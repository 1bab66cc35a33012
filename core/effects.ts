import type { Community } from "./config/schema.js";
import type { JoinRequest, MessageRef } from "./model.js";

/**
 * The port between the core and the chat platforms: the side effects a state change asks for.
 * `bots/slack` and `bots/discord` implement it; the outbox worker calls it, driven by the table's stream.
 */

/** Why the applicant is being told something. */
export type NoticeKind = "approved" | "waitlisted" | "admitted" | "denied" | "expired";

export type EffectSpec =
  | { kind: "card.post" }
  | { kind: "card.update" }
  | { kind: "notice"; notice: NoticeKind }
  | { kind: "grant" }
  | { kind: "remind" };

export type EffectKind = EffectSpec["kind"];

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
