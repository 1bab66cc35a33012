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
