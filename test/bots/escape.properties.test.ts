import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeLine, escapeText } from "../../bots/discord/escape.js";
import { mrkdwn, mrkdwnFit, plainText } from "../../bots/slack/escape.js";

/**
 * Property-based tests of the two escapers: for any text (arbitrary code points mixed with every
 * piece of syntax an attacker would reach for), what moderators see is the text as typed, minus
 * the invisible characters, and nothing in it mentions, links, formats or reorders anything.
 * The checks below are written from the platforms' rules, not from the escapers' code.
 */

const BIDI = ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"];
const MARKS = ["\u200E", "\u200F", "\u061C"];
const ZERO_WIDTH = ["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF"];

const SYNTAX = [
  ...["<@", "<@!", "<@&", "<#", "</", "<:", "<a:", "<t:", "<id:", "<!channel>", "<!here>", "<!everyone>"],
  ...["<@U123>", "<#C123|x>", "<https://evil.example|click>", "123456789012345678>", ">", "<"],
  ...["@everyone", "@here", "@channel", "@", "everyone", "Here"],
  ...["*", "**", "_", "__", "~", "~~", "`", "```", "||", "|", "[", "]", "](", ")", "(", "\\", "\\\\"],
  ...[">", "> ", ">>> ", "# ", "## ", "-# ", "- ", "+ ", "1. ", "12. ", "\n", "\r\n", "\t", "  ", " "],
  ...[":x:", ":white_check_mark:", ":+1:", ":", "::", "10:30"],
  ...["https://", "http://", "https://x.co/", "https://a_b.example/_c_", ".", ",", ")", "'", '"'],
  ...["&", "&amp;", "&lt;", "&gt;", "&#60;"],
  ...[...BIDI, ...MARKS, ...ZERO_WIDTH, "\uFE0F", "👩", "💻", "🏳️", "🌈", "é", "ß", "中"],
  ...["a", "b", "z", "h", "1", "0"],
];

const text = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...SYNTAX) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(""));

const RUNS = { numRuns: Number(process.env.GK_PROPERTY_RUNS ?? 3000) };

const INVISIBLE_INPUT = /[\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;
/** A joiner that is not between two pictographs (the only place it may stay: inside an emoji). */
const STRAY_JOINER = /(?<!\p{Extended_Pictographic}\uFE0F?)\u200D|\u200D(?!\p{Extended_Pictographic})/u;

/** What remains of the input once the invisible characters are gone (the emoji joiner kept). */
function visible(input: string): string {
  let out = "";
  const chars = [...input];
  chars.forEach((ch, i) => {
    if (ch === "\u200D") {
      let before = chars[i - 1];
      if (before === "\uFE0F") before = chars[i - 2];
      const after = chars[i + 1];
      if (
        before &&
        after &&
        /\p{Extended_Pictographic}/u.test(before) &&
        /\p{Extended_Pictographic}/u.test(after)
      )
        out += ch;
      return;
    }
    if (!INVISIBLE_INPUT.test(ch)) out += ch;
  });
  return out;
}

describe("Discord: escapeText and escapeLine, for any text", () => {
  /** Discord's own link rule (simple-markdown `url`): nothing inside a link is formatted. */
  const LINK = /https?:\/\/[^\s<]+[^<.,:;"')\]\s]/g;

  function linkSpans(out: string): boolean[] {
    const inLink = new Array<boolean>(out.length).fill(false);
    for (const m of out.matchAll(LINK))
      for (let k = m.index; k < m.index + m[0].length; k++) inLink[k] = true;
    return inLink;
  }

  /** What Discord shows: outside links, a backslash before punctuation disappears; ZWSPs are invisible. */
  function rendered(out: string): string {
    const inLink = linkSpans(out);
    let shown = "";
    for (let k = 0; k < out.length; k++) {
      const c = out.charAt(k);
      const next = out.charAt(k + 1);
      if (!inLink[k] && c === "\\" && /[^0-9A-Za-z\s]/.test(next) && next !== "") {
        shown += next;
        k++;
      } else if (c !== "\u200b") shown += c;
    }
    return shown;
  }

  /** Markdown control characters Discord would act on: unescaped and outside a link. */
  function liveMarkup(out: string): string[] {
    const inLink = linkSpans(out);
    const found: string[] = [];
    let lineStart = true;
    for (let k = 0; k < out.length; k++) {
      const c = out.charAt(k);
      if (/[\n\r\u2028\u2029]/.test(c)) {
        lineStart = true;
        continue;
      }
      if (lineStart && (c === " " || c === "\t")) continue;
      if (lineStart) {
        lineStart = false;
        if (/[#>\-+]/.test(c)) found.push(`line starts with ${c}`);
        const number = /^\d+\.[ \t]/.exec(out.slice(k));
        if (number) found.push(`numbered list ${number[0]}`);
      }
      if (c === "\\" && !inLink[k]) {
        k++; // escapes the next character
        continue;
      }
      if (!inLink[k] && /[*_~`|[]/.test(c)) found.push(`unescaped ${c} at ${k}`);
    }
    return found;
  }

  it("leaves no mention, emoji, timestamp, command or channel link that Discord would render", () => {
    fc.assert(
      fc.property(text, (input) => {
        const out = escapeText(input);
        expect(out).not.toMatch(/<(?:[@#/:]|a:|t:|id:)/i);
        expect(out).not.toMatch(/@(?:everyone|here)/i);
      }),
      RUNS,
    );
  });

  it("leaves no markdown control character Discord would act on", () => {
    fc.assert(
      fc.property(text, (input) => {
        expect(liveMarkup(escapeText(input))).toEqual([]);
      }),
      RUNS,
    );
  });

  it("keeps no bidi control or invisible character of the input; its own zero-width spaces only break mentions", () => {
    fc.assert(
      fc.property(text, (input) => {
        const out = escapeText(input);
        const own = out.replace(/(?<=[<@])\u200b/g, "");
        expect(own).not.toMatch(
          /[\u061C\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/,
        );
        expect(own).not.toMatch(STRAY_JOINER);
      }),
      RUNS,
    );
  });

  it("shows exactly the text as typed, minus invisible characters, in at most twice its length", () => {
    fc.assert(
      fc.property(text, (input) => {
        const out = escapeText(input);
        expect(rendered(out)).toBe(visible(input));
        expect(out.length).toBeLessThanOrEqual(2 * input.length);
      }),
      RUNS,
    );
  });

  it("keeps a name on one line, trimmed, with the same guarantees", () => {
    fc.assert(
      fc.property(text, (input) => {
        const out = escapeLine(input);
        expect(out).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(out).toBe(out.trim());
        expect(liveMarkup(out)).toEqual([]);
        expect(out).not.toMatch(/<(?:[@#/:]|a:|t:|id:)|@(?:everyone|here)/i);
      }),
      RUNS,
    );
  });

  it("escapes _ and __ after a custom emoji on the same line (escapeMarkdown did not)", () => {
    expect(liveMarkup(escapeText("<:pog:123456789012345678> _looks like the bot's italics_"))).toEqual([]);
    expect(liveMarkup(escapeText("<a:x __underlined__"))).toEqual([]);
  });
});

describe("Slack: mrkdwn, for any text", () => {
  const ZW = "\u200B";

  /** What Slack shows: the three entities decoded, zero-width spaces invisible. */
  function rendered(out: string): string {
    return out
      .replaceAll(ZW, "")
      .replace(/&(lt|gt|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", amp: "&" })[e] ?? "");
  }

  it("leaves no raw < or >, and every & starts one of Slack's three entities", () => {
    fc.assert(
      fc.property(text, (input) => {
        const out = mrkdwn(input);
        expect(out).not.toMatch(/[<>]/);
        expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }),
      RUNS,
    );
  });

  it("fences every formatting character, @ and emoji shortcode, and never starts a line with a quote", () => {
    fc.assert(
      fc.property(text, (input) => {
        const out = mrkdwn(input);
        for (const m of out.matchAll(/[*_~`]/g)) {
          expect(out.charAt(m.index - 1)).toBe(ZW);
          expect(out.charAt(m.index + 1)).toBe(ZW);
        }
        expect(out).not.toMatch(/@(?!\u200B)/);
        expect(out).not.toMatch(/:[a-z0-9_+'-]+:/i);
        expect(out).not.toMatch(/^[ \t]*&gt;/m);
        expect(out).not.toMatch(/^[ \t]*>/m);
      }),
      RUNS,
    );
  });

  it("keeps no bidi control or invisible character of the input; its own zero-width spaces only fence markup", () => {
    fc.assert(
      fc.property(text, (input) => {
        const out = mrkdwn(input);
        const own = out.replace(/\u200B(?=[*_~`])|(?<=[*_~`@:])\u200B/g, "").replace(/\u200B(?=&gt;)/g, "");
        expect(own).not.toMatch(
          /[\u061C\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/,
        );
        expect(own).not.toMatch(STRAY_JOINER);
      }),
      RUNS,
    );
  });

  it("shows exactly the text as typed, minus invisible characters, in at most five times its length", () => {
    fc.assert(
      fc.property(text, (input) => {
        const out = mrkdwn(input);
        expect(rendered(out)).toBe(visible(input));
        expect(out.length).toBeLessThanOrEqual(5 * input.length);
      }),
      RUNS,
    );
  });

  it("fits mrkdwnFit within its limit without cutting an entity", () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 200 }), (input, max) => {
        const out = mrkdwnFit(input, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }),
      { numRuns: 500 },
    );
  });

  it("plain text keeps everything but the invisible characters, and is idempotent", () => {
    fc.assert(
      fc.property(text, (input) => {
        expect(plainText(input)).toBe(visible(input));
        expect(plainText(plainText(input))).toBe(plainText(input));
      }),
      RUNS,
    );
  });

  it("breaks the card's rule markers typed as shortcodes", () => {
    expect(mrkdwn(":white_check_mark: Profile photo: set")).not.toMatch(/:[a-z_]+:/);
    expect(mrkdwn(":x: nothing")).not.toMatch(/:x:/);
  });
});
