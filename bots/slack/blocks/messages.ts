import type { EffectState, NoticeKind, ThreadEntry } from "../../../core/effects.js";
import * as Messages from "../../../core/messages.js";
import type { Text } from "../../../core/text.js";
import { truncate } from "../escape.js";
import { ACTION, replyButtonValue } from "../ids.js";
import { toMrkdwn } from "../render.js";
import type { Block } from "./card.js";

/** The bot's Slack messages other than the card and command replies: notices (DMs) and reminders. */

/** The DM telling the applicant what happened, with the reason for a decline. */
export function noticeText(state: EffectState, kind: NoticeKind): string {
  const reason = Messages.clip(state.request.decision?.reason ?? "", 2000) || undefined;
  return toMrkdwn(Messages.notice(state.community, kind, state.waitlistPosition, reason));
}

/** The reminder posted under the card: mentions the moderators, names the applicant as text. */
export function reminderText(state: EffectState): string {
  return `:alarm_clock: ${toMrkdwn(Messages.reminder(state.request, state.community))}`;
}

/** The core's words to the review channel (a stuck delivery). */
export function alertText(text: Text): string {
  return `:warning: ${toMrkdwn(text)}`;
}

/** The DM carrying a moderator's question, with the Reply button. */
export function questionMessage(state: EffectState, round: number): { text: string; blocks: Block[] } {
  const asked = state.request.interview?.[round - 1];
  if (!asked) throw new Error(`request ${state.request.id} has no question ${round}`);
  const text = toMrkdwn(Messages.questionDm(state.community, asked.question, asked.dueAt));
  return {
    text: truncate(text, 3000),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: truncate(text, 3000) } },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: ACTION.reply,
            text: { type: "plain_text", text: Messages.TOOL_BUTTONS.reply, emoji: false },
            style: "primary",
            value: replyButtonValue(state.request.id, round),
          },
        ],
      },
    ],
  };
}

/** One entry of the interview, for the card's thread. */
export function threadText(state: EffectState, entry: ThreadEntry): string {
  const { request, community } = state;
  const round = request.interview?.[entry.round - 1];
  if (!round) throw new Error(`request ${request.id} has no question ${entry.round}`);
  switch (entry.part) {
    case "question":
      return `:question: ${toMrkdwn(Messages.questionPost(round.n, round.askedBy, round.question))}`;
    case "reply":
      return `:speech_balloon: ${toMrkdwn(Messages.replyPost(round.n, request, round.askedBy, round.reply ?? ""))}`;
    case "no-reply":
      return `:hourglass: ${toMrkdwn(Messages.noReplyPost(round.n, community, request.status === "denied"))}`;
  }
}
