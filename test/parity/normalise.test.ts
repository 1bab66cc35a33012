import { describe, expect, it } from "vitest";
import { escapeText } from "../../bots/discord/escape.js";
import { mrkdwn } from "../../bots/slack/escape.js";
import { maskDates, plainFromDiscord, plainFromMrkdwn } from "./normalise.js";

/** The parity suite's normalisers: what the bot escapes comes back exactly as the person typed it. */
const TYPED = [
  "Please add a *profile photo* (and a _real_ name) first.",
  "~strike~ `code` > quoted <@U123> <!channel> @everyone & 1. list",
  "- a bullet\n# a heading\n[a link](https://example.com) __under__ ||spoiler||",
];
const keyOf = (id: string) => ({ U0MOD: "mod", "300000000000000042": "mod" })[id] ?? id;

describe("parity normalisers", () => {
  it.each(TYPED)("Slack: mrkdwn(%j) reads as typed", (text) => {
    expect(plainFromMrkdwn(mrkdwn(text), keyOf)).toBe(
      text
        .split("\n")
        .map((l) => l.trim())
        .join("\n"),
    );
  });

  it.each(TYPED)("Discord: escapeText(%j) reads as typed", (text) => {
    expect(plainFromDiscord(escapeText(text), keyOf)).toBe(text);
  });

  it("drops the bot's own markup, mentions known ids by key and prints Discord timestamps as UTC", () => {
    expect(plainFromMrkdwn(":no_entry: *Denied* by <@U0MOD> on 2026-06-01 12:00 UTC", keyOf)).toBe(
      "Denied by @mod on 2026-06-01 12:00 UTC",
    );
    expect(plainFromDiscord("⛔ **Declined** by <@300000000000000042>, <t:1780315200:f>", keyOf)).toBe(
      "Declined by @mod, 2026-06-01 12:00 UTC",
    );
    expect(maskDates("since 2026-06-01 · on 2026-06-01 12:00 UTC")).toBe("since <date> · on <date>");
  });
});
