import {
  type APIInteractionResponse,
  type APIInteractionResponseCallbackData,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
} from "discord-api-types/v10";
import type { Logger } from "../../core/log.js";
import type { DiscordSettings } from "../../core/settings.js";
import type { Text } from "../../core/text.js";
import { ephemeral, type UserInteraction } from "./interaction.js";
import { toMarkdown } from "./render.js";

/**
 * Discord's side of the answer budget (core/deadline.ts): a handler that has not produced its
 * answer by the budget is answered with a deferral, and what it answers when its work is done is
 * delivered through the interaction's webhook (`/webhooks/{application_id}/{token}`, no bot auth;
 * the token lives 15 minutes). A modal cannot follow a deferral: a late modal becomes the "form
 * did not open, try again" sentence.
 */

/**
 * The deferral for an interaction whose answer is late: a click (or a modal opened from a
 * message) gets a deferred update (6), which changes nothing visible; a command or another modal
 * gets "thinking…" (5), ephemeral, which the late answer then replaces.
 */
export function deferralFor(i: UserInteraction): APIInteractionResponse {
  if (i.type === InteractionType.MessageComponent || (i.type === InteractionType.ModalSubmit && i.message)) {
    return { type: InteractionResponseType.DeferredMessageUpdate };
  }
  return {
    type: InteractionResponseType.DeferredChannelMessageWithSource,
    data: { flags: MessageFlags.Ephemeral },
  };
}

/** What the webhook is sent once a deferred interaction's answer is known. */
export type LateDelivery =
  /** `PATCH …/messages/@original`: the deferred message (5), or the clicked message (6 then 7). */
  | { kind: "edit"; body: APIInteractionResponseCallbackData }
  /** `POST /webhooks/{application_id}/{token}`: a new (ephemeral) message after a deferred update. */
  | { kind: "follow-up"; body: APIInteractionResponseCallbackData }
  /** `DELETE …/messages/@original`: a "thinking…" message that has nothing to say. */
  | { kind: "delete" };

/**
 * The webhook call that delivers `answer` after `deferral`, with the same words and
 * allowed_mentions; `formDidNotOpen` stands in for a modal. Undefined when there is nothing to
 * show (a deferred update answered by one).
 */
export function lateDelivery(
  deferral: APIInteractionResponse,
  answer: APIInteractionResponse,
  formDidNotOpen: Text,
): LateDelivery | undefined {
  const thinking = deferral.type === InteractionResponseType.DeferredChannelMessageWithSource;
  let shown: APIInteractionResponse = answer;
  if (answer.type === InteractionResponseType.Modal) shown = ephemeral(toMarkdown(formDidNotOpen));
  switch (shown.type) {
    case InteractionResponseType.ChannelMessageWithSource: {
      if (!thinking) return { kind: "follow-up", body: shown.data ?? {} };
      // The deferral already made the message ephemeral; flags cannot change in an edit.
      const { flags: _flags, ...body } = shown.data ?? {};
      return { kind: "edit", body };
    }
    case InteractionResponseType.UpdateMessage: {
      const { flags: _flags, ...body } = shown.data ?? {};
      return { kind: "edit", body };
    }
    default:
      return thinking ? { kind: "delete" } : undefined;
  }
}

/** Delivers a late answer through the interaction's webhook (never throws: failures are logged). */
export type SendLate = (
  i: Pick<UserInteraction, "application_id" | "token">,
  delivery: LateDelivery,
) => Promise<void>;

/**
 * The webhook sender, loaded on first use (webhooks.ts): most answers are never late, and the
 * endpoint's cold start does not load the REST client for them.
 */
export function lateSender(settings: Pick<DiscordSettings, "apiUrl">, log: Logger): SendLate {
  let loaded: Promise<SendLate> | undefined;
  return async (i, delivery) => {
    loaded ??= import("./webhooks.js").then((m) => m.createLateSender(settings, log));
    try {
      await (await loaded)(i, delivery);
    } catch (error) {
      loaded = undefined;
      log.warn("discord late answer not delivered", { delivery: delivery.kind, error });
    }
  };
}
