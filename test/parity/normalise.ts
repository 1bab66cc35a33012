/**
 * What a person reads, as plain text: the bot's markup is removed (Slack mrkdwn, Discord
 * markdown), escaped characters come back as typed, zero-width spaces go, mentions of known ids
 * become `@key` (see neutral.ts), Discord timestamp tags become the date Slack would print
 * (`2026-06-01 12:00 UTC`), and emoji (Slack `:shortcodes:`, Unicode pictographs) are dropped.
 * Lines are trimmed and inner runs of spaces collapsed.
 */

const ZWSP = /\u200B/g;
/** Private-use characters stand in for escaped (literal) characters while markup is stripped. */
const protect = (c: string) => String.fromCharCode(0xe000 + c.charCodeAt(0));
const unprotect = (t: string) =>
  t.replace(/[\uE000-\uE0FF]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xe000));

const EMOJI = /\p{Extended_Pictographic}|\u{FE0F}|\u{20E3}/gu;

function tidy(text: string): string {
  return text
    .replace(EMOJI, "")
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .trim();
}

/** `2026-06-01 12:00 UTC`, as the Slack card prints times. */
export function utcMinute(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Slack mrkdwn (a message's `text`, a `mrkdwn` object) as read. */
export function plainFromMrkdwn(text: string, keyOf: (id: string) => string): string {
  let t = text
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_, id: string) => `@${keyOf(id)}`)
    .replace(
      /<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>/g,
      (_, id: string, label?: string) => `#${label ?? keyOf(id)}`,
    )
    .replace(/<!(\w+)(?:\|[^>]*)?>/g, "@$1")
    .replace(/<([^|>\s]+)\|([^>]+)>/g, "$2")
    .replace(/<([^>\s]+)>/g, "$1");
  // The bot fences a user's formatting characters with zero-width spaces (escape.ts): literal.
  t = t.replace(/\u200B([*_~`])\u200B/g, (_, c: string) => protect(c));
  t = t.replace(/[*_~`]/g, "");
  t = t.replace(/(^|\s):[a-z0-9_+-]+:(?=\s|$)/gm, "$1");
  t = unprotect(t).replace(ZWSP, "");
  t = t.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return tidy(t);
}

/** Slack `plain_text` as read: shown as typed. */
export function plainFromSlackPlain(text: string): string {
  return tidy(text.replace(ZWSP, ""));
}

/** Discord markdown (message content, embed texts) as read. */
export function plainFromDiscord(text: string, keyOf: (id: string) => string): string {
  let t = text
    .replace(/<@!?(\d{15,21})>/g, (_, id: string) => `@${keyOf(id)}`)
    .replace(/<@&(\d{15,21})>/g, (_, id: string) => `@${keyOf(id)}`)
    .replace(/<#(\d{15,21})>/g, (_, id: string) => `#${keyOf(id)}`)
    .replace(/<t:(-?\d+)(?::[tTdDfFR])?>/g, (_, s: string) => utcMinute(Number(s) * 1000));
  t = t.replace(/\\([^\sA-Za-z0-9])/g, (_, c: string) => protect(c));
  t = t.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, "$1");
  t = t.replace(/^(?:>>> |> |-# |#{1,3} )/gm, "");
  t = t.replace(/\*\*|__|~~|\|\||[*_`]/g, "");
  t = unprotect(t).replace(ZWSP, "");
  return tidy(t);
}

/** Dates and times replaced by `<date>`, for comparing two platforms' wording. */
export function maskDates(text: string): string {
  return text.replace(/\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: UTC|Z)?)?/g, "<date>");
}
