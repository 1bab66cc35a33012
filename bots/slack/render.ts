import { formatUtc, type Inline, plainText, type Text } from "../../core/text.js";
import { mrkdwn, userMention } from "./escape.js";

/**
 * The core's words (`core/messages.ts`) in Slack's markup. Every plain piece goes through
 * `mrkdwn()`, so nothing a person typed can become markup or a mention; only `{ user }` pieces,
 * with validated ids, mention anyone.
 */
export function toMrkdwn(value: Text): string {
  return value.map((l) => l.map(inline).join("")).join("\n");
}

/** For `plain_text` fields (modals), which Slack never parses: mentions become names. */
export function toPlain(value: Text): string {
  return plainText(value);
}

function inline(piece: Inline): string {
  if (typeof piece === "string") return mrkdwn(piece);
  if ("bold" in piece) return `*${mrkdwn(piece.bold)}*`;
  // Code pieces are the bot's own (commands, community ids); nothing in them may form a mention.
  if ("code" in piece)
    return `\`${piece.code
      .replace(/`/g, "'")
      .replace(/&/g, "&amp;")
      .replace(/<(?=[!@#])/g, "&lt;")}\``;
  if ("user" in piece) return userMention(piece.user);
  return formatUtc(piece.at, piece.style === "date" ? "date" : "datetime");
}
