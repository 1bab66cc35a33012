import type { Inline, Text } from "../../core/text.js";
import { escapeLine, escapeText, timestampTag, truncate } from "./escape.js";

/**
 * The core's words (`core/messages.ts`) in Discord markdown. Plain pieces are escaped (markdown
 * and mention syntax broken), so nothing a person typed renders as markup or pings; `{ user }`
 * pieces become mentions only for well-formed ids (and every message also sets `allowed_mentions`).
 */
const CONTENT_MAX = 2000;
const SNOWFLAKE = /^\d{15,21}$/;

export function toMarkdown(value: Text, max = CONTENT_MAX): string {
  return truncate(value.map((l) => l.map(inline).join("")).join("\n"), max);
}

function inline(piece: Inline): string {
  if (typeof piece === "string") return escapeText(piece);
  if ("bold" in piece) return `**${escapeLine(piece.bold)}**`;
  if ("code" in piece) return `\`${piece.code.replace(/`/g, "'")}\``;
  if ("user" in piece)
    return SNOWFLAKE.test(piece.user) ? `<@${piece.user}>` : escapeLine(piece.name ?? piece.user);
  const style = piece.style === "date" ? "D" : piece.style === "relative" ? "R" : "f";
  return timestampTag(piece.at, style);
}
