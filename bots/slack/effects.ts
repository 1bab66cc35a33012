import {
  type EffectState,
  type NoticeKind,
  PermanentEffectError,
  type PlatformEffects,
  RetryableEffectError,
} from "../../core/effects.js";
import type { Logger } from "../../core/log.js";
import type { MessageRef } from "../../core/model.js";
import type { SlackSettings } from "../../core/settings.js";
import { renderCard } from "./blocks/card.js";
import { noticeText, reminderText } from "./blocks/messages.js";
import { type Attempt, slackErrorCode, toEffectError } from "./errors.js";
import { createOutboxClient } from "./web-client.js";

/**
 * The Slack side of the outbox: what the worker does after an interaction was answered. Each
 * method makes its Web API calls once; failures are classified (`errors.ts`) and the outbox
 * retries or records them. Nothing here is called from a listener.
 */
export function createSlackEffects(settings: SlackSettings, log: Logger): PlatformEffects {
  const slack = createOutboxClient(settings, log);

  const call = async <T>(attempt: Attempt, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw toEffectError(error, attempt);
    }
  };

  return {
    async postCard(state: EffectState): Promise<MessageRef> {
      const channel = state.community.reviewChannel;
      const card = renderCard(state);
      const result = await call({ kind: "card", channel }, () =>
        slack.chat.postMessage({
          channel,
          text: card.text,
          blocks: card.blocks,
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (!result.ts) throw new RetryableEffectError("chat.postMessage returned no ts");
      log.info("slack card posted", {
        requestId: state.request.id,
        channel: result.channel ?? channel,
        ts: result.ts,
      });
      return { channel: result.channel ?? channel, id: result.ts };
    },

    async updateCard(state: EffectState, card: MessageRef): Promise<void> {
      const message = renderCard(state);
      await call({ kind: "card.update", channel: card.channel }, () =>
        slack.chat.update({ channel: card.channel, ts: card.id, text: message.text, blocks: message.blocks }),
      );
    },

    async notify(state: EffectState, notice: NoticeKind): Promise<void> {
      const userId = state.request.applicant.userId;
      await call({ kind: "notice" }, () =>
        slack.chat.postMessage({
          channel: userId,
          text: noticeText(state, notice),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      log.info("slack notice sent", { requestId: state.request.id, notice });
    },

    async grant(state: EffectState): Promise<void> {
      const userId = state.request.applicant.userId;
      const problems: PermanentEffectError[] = [];
      for (const channel of state.community.grant.channels) {
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

    async remind(state: EffectState): Promise<void> {
      const card = state.request.card;
      const channel = card?.channel ?? state.community.reviewChannel;
      await call({ kind: "remind", channel }, () =>
        slack.chat.postMessage({
          channel,
          text: reminderText(state),
          ...(card ? { thread_ts: card.id, reply_broadcast: false } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
    },
  };
}
