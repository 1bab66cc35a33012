import { describe, expect, it } from "vitest";
import { escapeLine, escapeText, timestampTag, truncate, ZWSP } from "../../../bots/discord/escape.js";

describe("escaping applicant text for Discord", () => {
  it("breaks every kind of mention so it neither pings nor renders", () => {
    const input =
      "@everyone @here @Everyone <@123456789012345678> <@!123456789012345678> <@&123456789012345678> <#123456789012345678>";
    const out = escapeText(input);
    expect(out).not.toMatch(/@(everyone|here)/i);
    expect(out).not.toMatch(/<[@#]/);
    expect(out).toBe(
      `@${ZWSP}everyone @${ZWSP}here @${ZWSP}Everyone <${ZWSP}@123456789012345678> <${ZWSP}@!123456789012345678> <${ZWSP}@&123456789012345678> <${ZWSP}#123456789012345678>`,
    );
  });

  it("defuses commands, timestamps, custom emoji and guild navigation", () => {
    const out = escapeText(
      "</apply:123456789012345678> <t:0:R> <:pog:123456789012345678> <a:dance:123456789012345678> <id:customize>",
    );
    expect(out).not.toMatch(/<[/:]|<[at]:|<id:/);
  });

  it("escapes markdown that could imitate the bot's formatting", () => {
    expect(escapeText("**Approved** by __admin__ ~~no~~ ||x|| `c` ```block```")).toBe(
      "\\*\\*Approved\\*\\* by \\_\\_admin\\_\\_ \\~\\~no\\~\\~ \\|\\|x\\|\\| \\`c\\` \\`\\`\\`block\\`\\`\\`",
    );
    expect(escapeText("# Heading\n## Sub\n- item\n1. first\n> quote\n>>> all\n-# small")).toBe(
      "\\# Heading\n\\## Sub\n\\- item\n1\\. first\n\\> quote\n\\>>> all\n\\-# small",
    );
    expect(escapeText("[Approve here](https://evil.example)")).toBe("\\[Approve here](https://evil.example)");
    expect(escapeText("back\\slash")).toBe("back\\\\slash");
  });

  it("keeps ordinary text as it is", () => {
    expect(escapeText("Hello! I'm Ada, 36, from London. Email: ada@example.com")).toBe(
      "Hello! I'm Ada, 36, from London. Email: ada@example.com",
    );
  });

  it("puts names on one line", () => {
    expect(escapeLine("  Ada\n# Lovelace\t ")).toBe("Ada # Lovelace");
  });

  it("truncates on code points within Discord's limits", () => {
    expect(truncate("short", 10)).toBe("short");
    expect(truncate("abcdefghijk", 5)).toBe("abcd…");
    const emoji = "😀😀😀😀";
    const cut = truncate(emoji, 6);
    expect(cut.length).toBeLessThanOrEqual(6);
    expect(cut).toBe("😀😀…");
  });

  it("writes timestamps as Discord tags", () => {
    expect(timestampTag("2026-01-01T00:00:00.000Z")).toBe("<t:1767225600:f>");
    expect(timestampTag("2026-01-01T00:00:00.000Z", "R")).toBe("<t:1767225600:R>");
  });
});
