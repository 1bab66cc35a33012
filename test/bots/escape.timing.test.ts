import { describe, expect, it } from "vitest";
import { escapeLine, escapeText } from "../../bots/discord/escape.js";
import { mrkdwn, mrkdwnFit } from "../../bots/slack/escape.js";

/**
 * Worst-case time of the escapers on crafted input. `escapeMarkdown` (@discordjs/formatters, used
 * before) is quadratic: its look-behinds (`(?<!<a?:.+|https?:\/\/\S*)`) rescan the line for every
 * `_` and `*`, so 16,000 characters of `<a:x_x_…` took 2.3 s on this machine. The escapers are one
 * pass each; the bound below is generous (a quadratic escaper needs minutes for these inputs).
 */
const N = 200_000;
const CRAFTED: Record<string, string> = {
  "<a: then x_ repeated": `<a:${"x_".repeat(N / 2)}`,
  "https:// then x_ repeated": `https://${"x_".repeat(N / 2)}`,
  "_ repeated": "_".repeat(N),
  "<x:/ then a_ repeated": `<x:/${"a_".repeat(N / 2)}`,
  "https:// repeated": "https://".repeat(N / 8),
  "https://a. repeated with spaces": "https://a.. ".repeat(N / 12),
  ":a repeated (shortcode look-ahead)": ":a".repeat(N / 2),
  ": then a repeated": `:${"a".repeat(N)}`,
  "1. and newline repeated": "1. \n".repeat(N / 4),
  "&<>*@ repeated": "&<>*@".repeat(N / 5),
  // These two were quadratic in the first version of the new escapers (regexes anchored at the end
  // and at every line start); the loop and the fence of every `>` after whitespace replaced them.
  "a link then dots": `https://x${".".repeat(N)}a`,
  "newlines then text": `${"\n".repeat(N)}x`,
  "bidi and zero-width repeated": "\u202E\u200D\u200B👩\u200D".repeat(N / 6),
};

const BOUND_MS = 2_000;

describe("escaping time on crafted input", () => {
  for (const [name, input] of Object.entries(CRAFTED)) {
    it(`stays linear: ${name} (${input.length} characters)`, () => {
      const times: string[] = [];
      for (const [label, run] of [
        ["escapeText", escapeText],
        ["escapeLine", escapeLine],
        ["mrkdwn", mrkdwn],
        ["mrkdwnFit", (t: string) => mrkdwnFit(t, 3000)],
      ] as const) {
        const started = performance.now();
        run(input);
        const ms = performance.now() - started;
        times.push(`${label} ${ms.toFixed(1)} ms`);
        expect(ms, `${label} on ${name}`).toBeLessThan(BOUND_MS);
      }
      console.info(`${name}, ${input.length} chars: ${times.join(", ")}`);
    });
  }
});
