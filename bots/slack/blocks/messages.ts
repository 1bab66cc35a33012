import type { EffectState, NoticeKind } from "../../../core/effects.js";
import * as Messages from "../../../core/messages.js";
import type { Text } from "../../../core/text.js";
import { toMrkdwn } from "../render.js";

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
