import { describe, expect, it } from "vitest";
import { applyModal, denyModal } from "../../../bots/slack/blocks/modals.js";
import { escapeControl, mrkdwn, mrkdwnFit, truncate, userMention } from "../../../bots/slack/escape.js";
import {
  applyMetadataSchema,
  denyMetadataSchema,
  readMetadata,
  requestIdSchema,
} from "../../../bots/slack/ids.js";
import { fieldErrors } from "../../../bots/slack/listeners/views/apply-submit.js";
import { profileFromUsersInfo } from "../../../bots/slack/profile.js";
import { verifySlackSignature } from "../../../bots/slack/verify.js";
import type { JoinRequest } from "../../../core/model.js";
import { evaluate, failureSummary } from "../../../core/rules.js";
import { communityOf, configOf, slackCommunity, slackProfile } from "../../support/core.js";
import { fixture } from "../../support/slack-payloads.js";
import { slackSignature } from "../../support/slack-sign.js";

describe("escaping", () => {
  it("escapes Slack's control characters", () => {
    expect(escapeControl("a & b <!here> <@U1> > c")).toBe("a &amp; b &lt;!here&gt; &lt;@U1&gt; &gt; c");
    expect(escapeControl("&amp;")).toBe("&amp;amp;");
  });

  it("fences formatting characters, @-words and leading quotes in mrkdwn", () => {
    expect(mrkdwn("*bold*")).toBe("\u200B*\u200Bbold\u200B*\u200B");
    expect(mrkdwn("@channel")).toBe("@\u200Bchannel");
    expect(mrkdwn("> quote\nline\n  > again")).toBe("\u200B&gt; quote\nline\n  \u200B&gt; again");
    expect(mrkdwn("plain words stay as they are")).toBe("plain words stay as they are");
  });

  it("cuts escaped text to fit without splitting an entity", () => {
    const fitted = mrkdwnFit("<".repeat(10), 20);
    expect(fitted.length).toBeLessThanOrEqual(20);
    expect(fitted).toBe(`${"&lt;".repeat(4)}…`);
    expect(mrkdwnFit("short", 20)).toBe("short");
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("😀😀😀", 3)).toBe("😀😀😀");
  });

  it("mentions only well-formed user ids", () => {
    expect(userMention("U0ABC123")).toBe("<@U0ABC123>");
    expect(userMention("U0ABC|<!channel>")).toBe("U0ABC|&lt;!channel&gt;");
  });
});

describe("ids coming back from Slack", () => {
  it("accepts only what the bot wrote", () => {
    expect(readMetadata('{"c":"makers"}', applyMetadataSchema)).toEqual({ c: "makers" });
    expect(readMetadata('{"c":"makers","x":1}', applyMetadataSchema)).toBeUndefined();
    expect(readMetadata('{"c":"../etc"}', applyMetadataSchema)).toBeUndefined();
    expect(readMetadata("not json", applyMetadataSchema)).toBeUndefined();
    expect(readMetadata(undefined, applyMetadataSchema)).toBeUndefined();
    expect(readMetadata('{"r":"r0123456789abcdef0123","ch":"C0REVIEW"}', denyMetadataSchema)).toEqual({
      r: "r0123456789abcdef0123",
      ch: "C0REVIEW",
    });
    expect(readMetadata('{"r":"REQ#x"}', denyMetadataSchema)).toBeUndefined();
    expect(requestIdSchema.safeParse("r0123456789abcdef0123").success).toBe(true);
    expect(requestIdSchema.safeParse("r0123456789abcdef0123 ").success).toBe(false);
  });
});

describe("the application form", () => {
  const community = communityOf(
    configOf(
      slackCommunity({
        name: "A community with a rather long name",
        description: "Be *nice*",
        questions: [
          { id: "why", label: "Why?", style: "paragraph", maxLength: 500, minLength: 10 },
          { id: "site", label: "Website", required: false, maxLength: 80, placeholder: "https://…" },
        ],
        note: { required: false, maxLength: 300 },
      }),
    ),
  );

  it("has one input per question plus the note, with lengths and optionality, and only the id in metadata", () => {
    const view = applyModal(community);
    const inputs = view.blocks.filter((b) => b.type === "input") as unknown as {
      block_id: string;
      optional: boolean;
      label: { text: string };
      element: {
        type: string;
        action_id: string;
        multiline: boolean;
        max_length: number;
        min_length?: number;
      };
    }[];
    expect(
      inputs.map((b) => [
        b.block_id,
        b.optional,
        b.label.text,
        b.element.multiline,
        b.element.max_length,
        b.element.min_length,
      ]),
    ).toEqual([
      ["q:why", false, "Why?", true, 500, 10],
      ["q:site", true, "Website", false, 80, undefined],
      ["note", true, "Personal note", true, 300, undefined],
    ]);
    expect(
      inputs.every((b) => b.element.type === "plain_text_input" && b.element.action_id === "value"),
    ).toBe(true);
    expect(view.callback_id).toBe("gk_apply");
    expect(JSON.parse(view.private_metadata ?? "")).toEqual({ c: community.id });
    expect([...(view.title.text ?? "")].length).toBeLessThanOrEqual(24);
    expect(JSON.stringify(view.blocks[0])).toContain("Be \u200B*\u200Bnice\u200B*\u200B");
  });

  it("maps the core's field errors to the failing input's block id", () => {
    expect(
      fieldErrors([
        { field: "why", message: "This answer is required." },
        { field: "note", message: "Please keep the note under 300 characters." },
      ]),
    ).toEqual({ "q:why": "This answer is required.", note: "Please keep the note under 300 characters." });
  });

  it("pre-fills the deny reason with the failed rules and carries only ids", () => {
    const strict = communityOf(
      configOf(slackCommunity({ rules: { requireAvatar: true, requireTitle: true } })),
    );
    const profile = slackProfile("U0APPL1", { hasAvatar: false, title: "" });
    const evaluation = evaluate(strict, profile, new Date());
    const request = {
      id: "r0123456789abcdef0123",
      applicant: { userId: "U0APPL1", name: "Jane" },
      evaluation,
    } as unknown as JoinRequest;
    const view = denyModal(request, strict, failureSummary(evaluation), "C0REVIEW");
    const input = view.blocks.find((b) => b.type === "input") as unknown as {
      element: { initial_value: string };
    };
    expect(input.element.initial_value).toBe("Profile photo: no profile photo; Title: no title");
    expect(JSON.parse(view.private_metadata ?? "")).toEqual({ r: "r0123456789abcdef0123", ch: "C0REVIEW" });
  });
});

describe("the Slack profile", () => {
  it("maps users.info onto the core's profile", () => {
    const profile = profileFromUsersInfo("U0APPL1", "applicant", fixture("users-info"));
    expect(profile).toEqual({
      platform: "slack",
      userId: "U0APPL1",
      name: "jane",
      available: true,
      hasAvatar: true,
      avatarUrl: "https://avatars.slack-edge.com/2026-01-01/jane_192.png",
      realName: "Jane Doe",
      title: "Founder, Jane's Ecommerce Shop",
      emailDomain: "example.com",
      timezone: "Europe/Paris",
      isBot: false,
      isGuest: false,
      isDeleted: false,
    });
  });

  it("recognises guests, bots, deactivated accounts and default photos; empty fields stay unset", () => {
    const answer = fixture<{ user: Record<string, unknown> }>("users-info");
    const user = {
      ...answer.user,
      is_ultra_restricted: true,
      is_bot: true,
      deleted: true,
      profile: { is_custom_image: false, title: "", display_name: "", real_name: "" },
      real_name: "",
    };
    const profile = profileFromUsersInfo("U0APPL1", "fallback", { ok: true, user });
    expect(profile).toMatchObject({
      name: "jane",
      hasAvatar: false,
      isGuest: true,
      isBot: true,
      isDeleted: true,
    });
    expect(profile.title).toBeUndefined();
    expect(profile.realName).toBeUndefined();
  });
});

describe("request signatures", () => {
  const secret = "shh";
  const body = "token=x&team_id=T0TEST";
  const now = 1_780_000_000_000;
  const ts = Math.floor(now / 1000);

  it("accepts a fresh, correct signature", () => {
    expect(
      verifySlackSignature({
        signingSecret: secret,
        body,
        signature: slackSignature(secret, body, ts),
        timestamp: String(ts),
        nowMs: now,
      }),
    ).toEqual({ ok: true });
  });

  it("refuses wrong, missing, stale and future-dated signatures", () => {
    const check = (signature: string | undefined, timestamp: string | undefined) =>
      verifySlackSignature({ signingSecret: secret, body, signature, timestamp, nowMs: now });
    expect(check(slackSignature("other", body, ts), String(ts))).toEqual({ ok: false, why: "mismatch" });
    expect(check(slackSignature(secret, `${body}x`, ts), String(ts))).toEqual({ ok: false, why: "mismatch" });
    expect(check(undefined, String(ts))).toEqual({ ok: false, why: "missing" });
    expect(check(slackSignature(secret, body, ts), "abc")).toEqual({ ok: false, why: "missing" });
    expect(check(slackSignature(secret, body, ts - 301), String(ts - 301))).toEqual({
      ok: false,
      why: "stale",
    });
    expect(check(slackSignature(secret, body, ts + 301), String(ts + 301))).toEqual({
      ok: false,
      why: "stale",
    });
    expect(check(slackSignature(secret, body, ts - 299), String(ts - 299))).toEqual({ ok: true });
  });
});
