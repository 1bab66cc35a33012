/**
 * Looks inside Slack messages (as the bot built them, or as the fake Slack recorded them) for
 * what Slack would parse: every `mrkdwn` string (section texts, fields, context elements and the
 * message's `text` fallback) versus `plain_text` strings, which Slack shows as typed.
 */

export interface Texts {
  mrkdwn: string[];
  plain: string[];
}

export function textsOf(message: { text?: unknown; blocks?: unknown }): Texts {
  const out: Texts = { mrkdwn: [], plain: [] };
  if (typeof message.text === "string") out.mrkdwn.push(message.text);
  walk(message.blocks, out);
  return out;
}

function walk(node: unknown, out: Texts): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, out);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const o = node as Record<string, unknown>;
  if ((o.type === "mrkdwn" || o.type === "plain_text") && typeof o.text === "string") {
    (o.type === "mrkdwn" ? out.mrkdwn : out.plain).push(o.text);
    return;
  }
  for (const v of Object.values(o)) walk(v, out);
}

/** Formatting an attacker would type; the exact strings must never reach a mrkdwn field intact. */
export const FORGED_FORMATTING = ["*bold*", "_italic_", "~strike~", "`code`"];

/** Injection strings for every applicant-controlled field. */
export const INJECTIONS = [
  "<!channel>",
  "<!here>",
  "<@U123>",
  "<#C123>",
  "<https://evil.example|click>",
  ...FORGED_FORMATTING,
  "&amp;",
  "@channel",
];
export const INJECTION = `${INJECTIONS.join(" ")}\n> quoted line`;

/**
 * What in a mrkdwn string Slack would turn into a mention, a link or formatting that did not
 * come from the bot: any `<…>` except the allowed user mentions, a leading quote, a bare
 * `@channel`/`@here`/`@everyone`, and the forged formatting strings above.
 */
export function liveSyntax(text: string, allowedMentions: string[] = []): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/<[^>]*>?/g)) {
    if (!allowedMentions.some((u) => m[0] === `<@${u}>`)) found.push(m[0]);
  }
  for (const m of text.matchAll(/^(&gt;|>)/gm)) found.push(m[0]);
  for (const m of text.matchAll(/(^|[^\w\u200B])@(channel|here|everyone)\b/g)) found.push(m[0].trim());
  for (const f of FORGED_FORMATTING) if (text.includes(f)) found.push(f);
  return found;
}
