import { formatUtc, type Inline, plainInline, type Text } from "../../core/text.js";
import { mrkdwn, userMention } from "./escape.js";

/**
 * The core's words (`core/messages.ts`) in Slack's markup. Every plain piece goes through
 * `mrkdwn()`, so nothing a person typed can become markup or a mention; only `{ user }` pieces,
 * with validated ids, mention anyone.
 */
export function toMrkdwn(value: Text): string {
  return value.map((l) => l.map(inline).join("")).join("\n");
}

/**
 * For `plain_text` fields (modals), which Slack never parses: mentions become `@name`, so a
 * person reads what a mention would show (and what Discord shows in the same place).
 */
export function toPlain(value: Text): string {
  return value
    .map((l) => l.map((p) => (isUser(p) ? `@${p.name ?? p.user}` : plainInline(p))).join(""))
    .join("\n");
}

const isUser = (p: Inline): p is Extract<Inline, { user: string }> => typeof p === "object" && "user" in p;

function inline(piece: Inline): string {
  if (typeof piece === "string") return mrkdwn(piece);
  if ("bold" in piece) return `*${mrkdwn(piece.bold)}*`;
  // Code pieces are the bot's own (commands, community ids); nothing in them may form a mention.
  if ("code" in piece)
    return `\`${piece.code
      .replace(/`/g, "'")
      .replace(/&/g, "&amp;")
      .replace(/<(?=[!@#])/g, "&lt;")}\``;
  // Every Slack mention notifies: a quiet one is the person's name, as text.
  if ("user" in piece) return piece.quiet ? mrkdwn(`@${piece.name ?? piece.user}`) : userMention(piece.user);
  return formatUtc(piece.at, piece.style === "date" ? "date" : "datetime");
}
