/**
 * The bot's words as data: lines of inline pieces that each platform renders in its own markup
 * (Slack mrkdwn, Discord markdown, or plain text for Slack's `plain_text` fields). Plain strings
 * are text, whatever they contain: renderers escape them, so a community name, an applicant's
 * name or a moderator's reason can never turn into markup or a mention. The only mentions are
 * `{ user }` pieces, built from ids the platform gave the bot.
 */
export type Inline =
  | string
  | { bold: string }
  | { code: string }
  /**
   * A person, by platform user id; `name` is the fallback where mentions cannot render. `quiet`:
   * shown, never notified (Discord: a mention `allowed_mentions` leaves out; Slack, where every
   * mention notifies, shows `@name`).
   */
  | { user: string; name?: string | undefined; quiet?: boolean }
  /** A moment: Discord shows it in the reader's time zone; Slack as UTC. */
  | { at: string; style?: "date" | "datetime" | "relative" };

export type Line = readonly Inline[];
export type Text = readonly Line[];

/** One line of plain pieces. */
export const line = (...pieces: Inline[]): Line => pieces;
/** A one-line text. */
export const text = (...pieces: Inline[]): Text => [pieces];

/** The text with its lines joined, every piece as plain words (for logs, tests and plain fields). */
export function plainText(value: Text): string {
  return value.map((l) => l.map(plainInline).join("")).join("\n");
}

export function plainInline(piece: Inline): string {
  if (typeof piece === "string") return piece;
  if ("bold" in piece) return piece.bold;
  if ("code" in piece) return piece.code;
  if ("user" in piece) return piece.name ?? piece.user;
  return formatUtc(piece.at, piece.style ?? "datetime");
}

/** "2026-06-01" or "2026-06-01 12:00 UTC". */
export function formatUtc(iso: string, style: "date" | "datetime" | "relative"): string {
  return style === "date" ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * Invisible characters in text people typed (applicants' answers, notes and names, moderators'
 * reasons). Both platforms' escapers remove them first, then insert their own zero-width spaces
 * to break mentions and markup, so whatever is invisible in the result was put there by the bot.
 *
 * - Bidi controls reorder what follows them: a name ending in U+202E (right-to-left override)
 *   would show the rest of the bot's line backwards. Removed: U+061C, U+200E, U+200F,
 *   U+202A..U+202E, U+2066..U+2069.
 * - Zero-width and invisible format characters hide text or glue it to the bot's: U+200B..U+200D,
 *   U+2060..U+2064, U+180E, U+FEFF. The one exception is U+200D (zero-width joiner) between two
 *   pictographs, where it builds one emoji (👩‍💻, 🏳️‍🌈) and hides nothing.
 */
export const INVISIBLE = /[\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

const ZWJ = "\u200D";
const VS16 = "\uFE0F";
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, (ch: string, offset: number, whole: string) =>
    ch === ZWJ && joinsPictographs(whole, offset) ? ch : "",
  );
}

/** Whether the joiner at `offset` sits between two pictographs (a U+FE0F may follow the first). */
function joinsPictographs(text: string, offset: number): boolean {
  let end = offset;
  if (text[end - 1] === VS16) end--;
  const before = text.codePointAt(end - 2);
  const prev = before !== undefined && before > 0xffff ? String.fromCodePoint(before) : (text[end - 1] ?? "");
  const after = text.codePointAt(offset + 1);
  const next = after === undefined ? "" : String.fromCodePoint(after);
  return PICTOGRAPH.test(prev) && PICTOGRAPH.test(next);
}
