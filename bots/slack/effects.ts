import * as z from "zod";
import {
  EFFECT_EVENT_TYPE,
  type EffectContext,
  type EffectState,
  ensureTime,
  type NoticeKind,
  PermanentEffectError,
  type PlatformEffects,
  RetryableEffectError,
  type ThreadEntry,
} from "../../core/effects.js";
import type { Logger } from "../../core/log.js";
import type { MessageRef } from "../../core/model.js";
import type { SlackSettings } from "../../core/settings.js";
import type { Text } from "../../core/text.js";
import { renderCard } from "./blocks/card.js";
import { alertText, noticeText, questionMessage, reminderText, threadText } from "./blocks/messages.js";
import { type Attempt, slackErrorCode, toEffectError } from "./errors.js";
import { publishHome } from "./home.js";
import { toMrkdwn } from "./render.js";
import { createOutboxClient } from "./web-client.js";

/**
 * The Slack side of the outbox: what the worker does after an interaction was answered. Each
 * method makes its Web API calls once; failures are classified (`errors.ts`) and the outbox
 * retries or records them. Nothing here is called from a listener.
 *
 * Slack has no idempotency key, so every message the bot posts carries the outbox entry's key in
 * its metadata (`event_type: gatekeeper_effect`). When an earlier attempt's outcome is unknown
 * (`ctx.unknownSince`), the channel's recent history (or the card's thread) is searched for that
 * key first, and a message found there counts as sent.
 */

/** How far before the unknown attempt the search starts (clock skew between us and Slack). */
const LOOKUP_MARGIN_S = 60;
/** Pages of 200 messages searched before concluding the message was not posted. */
const LOOKUP_PAGES = 5;

const historySchema = z.object({
  messages: z
    .array(
      z.object({
        ts: z.string(),
        metadata: z
          .object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()).optional() })
          .optional(),
        files: z.array(z.object({ name: z.string().optional() })).optional(),
      }),
    )
    .optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});
const openedSchema = z.object({ channel: z.object({ id: z.string() }) });

export function createSlackEffects(settings: SlackSettings, log: Logger): PlatformEffects {
  const slack = createOutboxClient(settings, log);

  const call = async <T>(
    attempt: Attempt,
    ctx: EffectContext | undefined,
    fn: () => Promise<T>,
  ): Promise<T> => {
    ensureTime(ctx, `a Slack call (${attempt.kind})`);
    try {
      return await fn();
    } catch (error) {
      throw toEffectError(error, attempt);
    }
  };

  /** The metadata that makes a message findable again. */
  const metadata = (ctx: EffectContext | undefined) =>
    ctx ? { metadata: { event_type: EFFECT_EVENT_TYPE, event_payload: { effect: ctx.key } } } : {};

  /**
   * The ts of the message an earlier attempt of this entry posted, if its outcome was unknown and
   * Slack has it: the channel's history since the attempt (a thread's replies when `thread` is set).
   */
  async function earlier(
    attempt: Attempt,
    ctx: EffectContext | undefined,
    channel: string,
    thread?: string,
    /** Look for a message sharing a file of this name instead of the entry's metadata (uploads carry none). */
    file?: string,
  ): Promise<string | undefined> {
    if (!ctx?.unknownSince) return undefined;
    const oldest = String(Math.floor(Date.parse(ctx.unknownSince) / 1000) - LOOKUP_MARGIN_S);
    let cursor: string | undefined;
    for (let page = 0; page < LOOKUP_PAGES; page++) {
      const args = { channel, oldest, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) };
      ensureTime(ctx, "looking for an earlier message");
      let raw: unknown;
      try {
        raw = await (thread
          ? slack.conversations.replies({ ...args, ts: thread })
          : slack.conversations.history(args));
      } catch (error) {
        // An app installed before the history scopes cannot look: sending again (a possible
        // second message) beats not sending at all. Reinstalling from the manifest fixes it.
        if (slackErrorCode(error) === "missing_scope") {
          log.warn("slack cannot look for an earlier message (missing history scope); sending again", {
            channel,
            effect: ctx.key,
          });
          return undefined;
        }
        throw toEffectError(error, attempt);
      }
      const parsed = historySchema.safeParse(raw);
      if (!parsed.success) throw new RetryableEffectError("Slack answered an unreadable history");
      const found = parsed.data.messages?.find((m) =>
        file
          ? m.files?.some((f) => f.name === file)
          : m.metadata?.event_type === EFFECT_EVENT_TYPE && m.metadata.event_payload?.effect === ctx.key,
      );
      if (found) {
        log.info("slack message of an unknown outcome found; not sending it again", {
          channel,
          ts: found.ts,
          effect: ctx.key,
        });
        return found.ts;
      }
      cursor = parsed.data.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /** Like `earlier`, in the DM with `userId` (whose channel id is read, not assumed). */
  async function earlierDm(
    attempt: Attempt,
    ctx: EffectContext | undefined,
    userId: string,
  ): Promise<string | undefined> {
    if (!ctx?.unknownSince) return undefined;
    // The DM's channel, to search it (opening an open DM changes nothing).
    const opened = openedSchema.safeParse(
      await call(attempt, ctx, () => slack.conversations.open({ users: userId })),
    );
    if (!opened.success)
      throw new RetryableEffectError("Slack answered conversations.open without a channel");
    return earlier(attempt, ctx, opened.data.channel.id);
  }

  return {
    async postCard(state: EffectState, ctx?: EffectContext): Promise<MessageRef> {
      const channel = state.community.reviewChannel;
      const attempt: Attempt = { kind: "card", channel };
      const found = await earlier(attempt, ctx, channel);
      if (found) return { channel, id: found };
      const card = renderCard(state);
      const result = await call(attempt, ctx, () =>
        slack.chat.postMessage({
          channel,
          text: card.text,
          blocks: card.blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...metadata(ctx),
        }),
      );
      if (!result.ts)
        throw new RetryableEffectError("chat.postMessage returned no ts", undefined, "unknown-outcome");
      log.info("slack card posted", {
        requestId: state.request.id,
        channel: result.channel ?? channel,
        ts: result.ts,
      });
      return { channel: result.channel ?? channel, id: result.ts };
    },

    async updateCard(state: EffectState, card: MessageRef, ctx?: EffectContext): Promise<void> {
      const message = renderCard(state);
      await call({ kind: "card.update", channel: card.channel }, ctx, () =>
        slack.chat.update({ channel: card.channel, ts: card.id, text: message.text, blocks: message.blocks }),
      );
    },

    async notify(state: EffectState, notice: NoticeKind, ctx?: EffectContext): Promise<void> {
      const userId = state.request.applicant.userId;
      const attempt: Attempt = { kind: "notice" };
      if (await earlierDm(attempt, ctx, userId)) return;
      await call(attempt, ctx, () =>
        slack.chat.postMessage({
          channel: userId,
          text: noticeText(state, notice),
          unfurl_links: false,
          unfurl_media: false,
          ...metadata(ctx),
        }),
      );
      log.info("slack notice sent", { requestId: state.request.id, notice });
    },

    async grant(state: EffectState, ctx?: EffectContext): Promise<void> {
      const userId = state.request.applicant.userId;
      const problems: PermanentEffectError[] = [];
      for (const channel of state.community.grant.channels) {
        ensureTime(ctx, `inviting to ${channel}`);
        try {
          await slack.conversations.invite({ channel, users: userId });
          log.info("slack invite sent", { requestId: state.request.id, channel });
        } catch (error) {
          // A retried grant meets the channels an earlier attempt already did.
          if (slackErrorCode(error) === "already_in_channel") continue;
          const mapped = toEffectError(error, { kind: "grant", channel });
          // Retryable (or unknown) failures end this attempt; the channels before it are idempotent.
          if (!(mapped instanceof PermanentEffectError)) throw mapped;
          problems.push(mapped);
        }
      }
      if (problems.length > 0) {
        throw new PermanentEffectError(
          problems.map((p) => p.message).join("; "),
          problems.map((p) => p.issue).join(" "),
        );
      }
    },

    async revoke(state: EffectState, ctx?: EffectContext): Promise<void> {
      const userId = state.request.applicant.userId;
      for (const channel of state.community.grant.channels) {
        try {
          ensureTime(ctx, `removing the member from ${channel}`);
          await slack.conversations.kick({ channel, user: userId });
          log.info("slack access revoked", { requestId: state.request.id, channel });
        } catch (error) {
          // Gone already (left that channel too, or removed by an admin): nothing to take back.
          if (["not_in_channel", "user_not_found", "channel_not_found"].includes(slackErrorCode(error) ?? ""))
            continue;
          throw toEffectError(error, { kind: "grant", channel });
        }
      }
    },

    async remind(state: EffectState, ctx?: EffectContext): Promise<void> {
      const card = state.request.card;
      const channel = card?.channel ?? state.community.reviewChannel;
      const attempt: Attempt = { kind: "remind", channel };
      if (await earlier(attempt, ctx, channel, card?.id)) return;
      await call(attempt, ctx, () =>
        slack.chat.postMessage({
          channel,
          text: reminderText(state),
          ...(card ? { thread_ts: card.id, reply_broadcast: false } : {}),
          unfurl_links: false,
          unfurl_media: false,
          ...metadata(ctx),
        }),
      );
    },

    async publishHome(view, ctx?: EffectContext): Promise<void> {
      // A view replaces the last one: publishing twice is harmless, nothing to look for.
      await call({ kind: "home", channel: view.userId }, ctx, () => publishHome(slack, view, log));
    },

    /**
     * The digest: the summary as the file's comment, the chart uploaded with files.uploadV2. A file
     * carries no metadata, so after an unknown outcome the channel is searched for the file's
     * name (one per community and week).
     */
    async postDigest(digest, ctx?: EffectContext): Promise<void> {
      const channel = digest.community.reviewChannel;
      const attempt: Attempt = { kind: "digest", channel };
      if (await earlier(attempt, ctx, channel, undefined, digest.filename)) return;
      await call(attempt, ctx, () =>
        slack.filesUploadV2({
          channel_id: channel,
          file: Buffer.from(digest.png),
          filename: digest.filename,
          title: `${digest.community.name}: week ${digest.week}`,
          alt_text: digest.altText.slice(0, 1000),
          initial_comment: toMrkdwn(digest.text),
        }),
      );
      log.info("slack digest posted", { community: digest.community.id, week: digest.week });
    },

    async alert(state: EffectState, text: Text, ctx?: EffectContext): Promise<void> {
      const channel = state.community.reviewChannel;
      const attempt: Attempt = { kind: "alert", channel };
      if (await earlier(attempt, ctx, channel)) return;
      await call(attempt, ctx, () =>
        slack.chat.postMessage({
          channel,
          text: alertText(text),
          unfurl_links: false,
          unfurl_media: false,
          ...metadata(ctx),
        }),
      );
      log.info("slack alert posted", { requestId: state.request.id, channel });
    },

    async askApplicant(state: EffectState, round: number, ctx?: EffectContext): Promise<void> {
      const userId = state.request.applicant.userId;
      if (await earlierDm({ kind: "notice" }, ctx, userId)) return;
      const message = questionMessage(state, round);
      await call({ kind: "notice" }, ctx, () =>
        slack.chat.postMessage({
          channel: userId,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...metadata(ctx),
        }),
      );
      log.info("slack question sent", { requestId: state.request.id, round });
    },

    // Slack threads hang off the card message itself: nothing to open.
    async openThread(_state: EffectState, card: MessageRef): Promise<MessageRef> {
      return card;
    },

    async postInThread(state: EffectState, thread: MessageRef, entry: ThreadEntry, ctx?: EffectContext) {
      const attempt: Attempt = { kind: "thread", channel: thread.channel };
      if (await earlier(attempt, ctx, thread.channel, thread.id)) return;
      await call(attempt, ctx, () =>
        slack.chat.postMessage({
          channel: thread.channel,
          thread_ts: thread.id,
          reply_broadcast: false,
          text: threadText(state, entry),
          unfurl_links: false,
          unfurl_media: false,
          ...metadata(ctx),
        }),
      );
    },
  };
}
