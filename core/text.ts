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
  /** A person, by platform user id; `name` is the fallback where mentions cannot render. */
  | { user: string; name?: string | undefined }
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
