import { escapeMarkdown } from "@discordjs/builders";

/**
 * Text that came from a person (answers, notes, names, deny reasons) shown as text: markdown
 * escaped so it cannot forge the bot's formatting, and every mention-like construct broken with
 * a zero-width space so it can neither ping nor render as a mention, channel link, role,
 * timestamp, emoji or command. Messages also set `allowed_mentions: { parse: [] }`; this is the
 * second lock, and the one that keeps embeds (where mentions render but never ping) honest.
 */
export const ZWSP = "\u200b";

export function escapeText(text: string): string {
  const markdown = escapeMarkdown(text, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  return (
    markdown
      // Block quotes and subtext at the start of a line (escapeMarkdown leaves them alone).
      .replace(/^([ \t]*)(>|-#)/gm, "$1\\$2")
      // <@user> <@!user> <@&role> <#channel> </command:id> <:emoji:id> <a:emoji:id> <t:123:R> <id:home>
      .replace(/<(?=[@#/:]|a:|t:|id:)/gi, `<${ZWSP}`)
      .replace(/@(?=everyone|here)/gi, `@${ZWSP}`)
  );
}

/** One line of escaped text: names and titles must not spill over several lines. */
export function escapeLine(text: string): string {
  return escapeText(text.replace(/\s+/g, " ").trim());
}

/** Cuts text to at most `max` UTF-16 units (Discord's limits), whole code points, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** A Discord timestamp tag rendered in each reader's own time zone. */
export function timestampTag(iso: string, style: "f" | "R" | "D" = "f"): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** Nothing the bot sends may ping anyone. */
export const NO_MENTIONS = { parse: [] as [] };
