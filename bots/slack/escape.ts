import { stripInvisible } from "../../core/text.js";

/**
 * Text that reaches Slack. Anything a user typed (answers, notes, names, profile fields, a
 * moderator's deny reason) is either sent in a `plain_text` object, which Slack never parses
 * (through `plainText()`, which drops bidi controls and invisible characters), or through
 * `mrkdwn()` below before it lands in a `mrkdwn` object or a message's `text`.
 */

export const ZWSP = "\u200B";

/** Slack's three control characters (its only escaping): no `<!channel>`, `<@U…>`, `<#C…>` or `<url|label>`. */
export function escapeControl(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Untrusted text for a `mrkdwn` field: bidi controls and invisible characters removed (see
 * `core/text.ts`), escaped, and with its markup fenced by zero-width spaces so `*bold*`,
 * `_italic_`, `~strike~`, `` `code` ``, a leading `>` quote, `@channel`-style words and emoji
 * shortcodes (`:white_check_mark:`, `:x:`, the card's rule markers) render as typed instead of
 * looking like the bot's own. The zero-width spaces are inserted after the applicant's own
 * invisible characters are gone, so the only ones left are the bot's.
 */
export function mrkdwn(text: string): string {
  return (
    escapeControl(stripInvisible(text))
      .replace(/:(?=[\w+'-]+:)/g, `:${ZWSP}`)
      .replace(/[*_~`]/g, (c) => `${ZWSP}${c}${ZWSP}`)
      .replace(/@/g, `@${ZWSP}`)
      // Any `>` after a line break or a space, not `^\s*&gt;`: that one is quadratic on many newlines.
      .replace(/(^|\s)&gt;/g, `$1${ZWSP}&gt;`)
  );
}

/** Untrusted text for a `plain_text` object (never parsed): only the invisible characters go. */
export function plainText(text: string): string {
  return stripInvisible(text);
}

/** Slack user ids the bot is willing to turn into a mention. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
export const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** `<@U…>` for a well-formed user id; anything else is shown as escaped text. */
export function userMention(userId: string): string {
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : mrkdwn(userId);
}

/** `<#C…>` for a well-formed channel id; anything else as escaped text. */
export function channelMention(channelId: string): string {
  return SLACK_CHANNEL_ID.test(channelId) ? `<#${channelId}>` : mrkdwn(channelId);
}

/** Shortens text to `max` characters (code points), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/**
 * `mrkdwn(text)` cut to fit `max` characters of output without splitting an escape sequence:
 * Slack counts the escaped form against a block's limit.
 */
export function mrkdwnFit(text: string, max: number): string {
  const full = mrkdwn(text);
  if (full.length <= max) return full;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (mrkdwn(chars.slice(0, mid).join("")).length + 1 <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${mrkdwn(chars.slice(0, lo).join(""))}…`;
}
