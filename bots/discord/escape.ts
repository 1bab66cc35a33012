import { stripInvisible } from "../../core/text.js";

/**
 * Text that came from a person (answers, notes, names, deny reasons) shown as text: bidi controls
 * and invisible characters removed (`core/text.ts`), markdown escaped so it cannot forge the bot's
 * formatting, and every mention-like construct broken with a zero-width space so it can neither
 * ping nor render as a mention, channel link, role, timestamp, emoji or command. Messages also
 * set `allowed_mentions: { parse: [] }`; this is the second lock, and the one that keeps embeds
 * (where mentions render but never ping) honest.
 *
 * One pass, linear in the length (`escapeMarkdown` from @discordjs/formatters, used before, is
 * quadratic through its look-behinds and stopped escaping `_` after a `<:` on the same line):
 * - `\ * _ ~ ` | [` get a backslash everywhere (Discord drops a backslash before punctuation, so
 *   readers see the text as typed); so do `# > - +` and a list number's dot at the start of a
 *   line (headings, quotes, subtext, lists);
 * - links are copied as they are: inside a link Discord formats nothing, and a backslash would
 *   change where it points. A link is what Discord's own rule takes for one:
 *   `https?://[^\s<]+` ending in a character other than `<.,:;"')]`; a scheme that does not
 *   start a link gets `\:`, so that escaping what follows cannot turn it into one;
 * - `<` before `@ # / : a: t: id:` and `@` before `everyone`/`here` get a zero-width space.
 */
export const ZWSP = "\u200b";

const ALWAYS = "\\*_~`|[";
const AT_LINE_START = "#>-+";
const LINE_BREAKS = "\n\r\u2028\u2029";
const LIST_NUMBER = /\d+\.(?=[ \t])/y;
const SCHEME = /https?:/y;
const LINK = /https?:\/\/[^\s<]+/y;
/** Characters a link does not end with (they stay outside it, as in Discord). */
const LINK_TAIL = `<.,:;"')]`;
const AFTER_ANGLE = /[@#/:]|a:|t:|id:/iy;
const AFTER_AT = /everyone|here/iy;

function matchAt(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

/** The link starting at `at`, as Discord would take it, or undefined. */
function linkAt(text: string, at: number): string | undefined {
  const found = matchAt(LINK, text, at);
  if (!found) return undefined;
  // A loop, not a `[…]+$` regex: that one is quadratic on a long run of dots.
  let end = found.length;
  while (end > 0 && LINK_TAIL.includes(found.charAt(end - 1))) end--;
  const link = found.slice(0, end);
  const rest = link.slice(link.indexOf("//") + 2);
  return rest.length >= 2 ? link : undefined;
}

function breakMentions(text: string): string {
  return text.replace(/@(?=everyone|here)/gi, `@${ZWSP}`);
}

export function escapeText(text: string): string {
  const s = stripInvisible(text);
  let out = "";
  let lineStart = true;
  let i = 0;
  while (i < s.length) {
    const c = s.charAt(i);
    if (lineStart) {
      if (c === " " || c === "\t") {
        out += c;
        i++;
        continue;
      }
      lineStart = false;
      if (AT_LINE_START.includes(c)) {
        out += `\\${c}`;
        i++;
        continue;
      }
      const number = matchAt(LIST_NUMBER, s, i);
      if (number) {
        out += `${number.slice(0, -1)}\\.`;
        i += number.length;
        continue;
      }
    }
    const scheme = c === "h" ? matchAt(SCHEME, s, i) : undefined;
    if (scheme) {
      const link = linkAt(s, i);
      // Not a link as typed, so it must not become one once escaped (`http://\|` is one): `\:`.
      out += link === undefined ? `${scheme.slice(0, -1)}\\:` : breakMentions(link);
      i += link === undefined ? scheme.length : link.length;
      continue;
    }
    if (LINE_BREAKS.includes(c)) {
      out += c;
      lineStart = true;
    } else if (ALWAYS.includes(c)) {
      out += `\\${c}`;
    } else if (c === "<" && matchAt(AFTER_ANGLE, s, i + 1)) {
      out += `<${ZWSP}`;
    } else if (c === "@" && matchAt(AFTER_AT, s, i + 1)) {
      out += `@${ZWSP}`;
    } else {
      out += c;
    }
    i++;
  }
  return out;
}

/** One line of escaped text: names and titles must not spill over several lines. */
export function escapeLine(text: string): string {
  return escapeText(stripInvisible(text).replace(/\s+/g, " ").trim());
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
