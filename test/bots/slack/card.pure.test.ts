import { describe, expect, it } from "vitest";
import { renderCard } from "../../../bots/slack/blocks/card.js";
import { noticeText, reminderText } from "../../../bots/slack/blocks/messages.js";
import { mrkdwn } from "../../../bots/slack/escape.js";
import { toMrkdwn } from "../../../bots/slack/render.js";
import type { Community } from "../../../core/config/schema.js";
import type { EffectState } from "../../../core/effects.js";
import * as Messages from "../../../core/messages.js";
import type { JoinRequest } from "../../../core/model.js";
import type { Profile } from "../../../core/profile.js";
import { evaluate } from "../../../core/rules.js";
import { communityOf, configOf, slackCommunity, slackProfile } from "../../support/core.js";
import { INJECTION, liveSyntax, textsOf } from "../../support/slack-inspect.js";

const NOW = new Date("2026-06-01T12:00:00.000Z");

const community = communityOf(
  configOf(
    slackCommunity({
      questions: [
        { id: "why", label: "Why do you want to join?", style: "paragraph", maxLength: 500 },
        { id: "shop", label: "Your shop", required: false, maxLength: 100 },
      ],
      rules: { requireAvatar: true, requireTitle: true, timezonePrefixes: ["Europe/"], minProfileScore: 50 },
      capacity: 10,
    }),
  ),
);

function stateOf(
  c: Community,
  over: Partial<JoinRequest> = {},
  profile: Profile = slackProfile("U0APPL1"),
): EffectState {
  const request: JoinRequest = {
    id: "r0123456789abcdef0123",
    communityId: c.id,
    platform: "slack",
    workspace: c.workspace,
    applicant: { userId: "U0APPL1", name: "Jane Doe" },
    answers: [
      { id: "why", label: "Why do you want to join?", value: "I run a small shop." },
      { id: "shop", label: "Your shop", value: "" },
    ],
    note: "Hello there",
    profile,
    evaluation: evaluate(c, profile, NOW),
    status: "pending",
    version: 1,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...over,
  };
  return { request, community: c, seats: { used: 3, capacity: c.capacity }, waitlistPosition: undefined };
}

type AnyBlock = Record<string, unknown>;
const blocksOf = (s: EffectState) => renderCard(s).blocks as unknown as AnyBlock[];
const actionsOf = (s: EffectState) => blocksOf(s).filter((b) => b.type === "actions");
const allText = (s: EffectState) => {
  const t = textsOf(renderCard(s));
  return [...t.mrkdwn, ...t.plain].join("\n");
};

describe("the approval card", () => {
  it("shows who applied, the answers, the note, the score with its breakdown and every rule", () => {
    const state = stateOf(
      community,
      {},
      slackProfile("U0APPL1", { title: "", timezone: "America/New_York" }),
    );
    const text = allText(state);
    expect(text).toContain("<@U0APPL1>");
    expect(text).toContain("Jane Doe");
    expect(text).toContain("*Why do you want to join?*\nI run a small shop.");
    expect(text).toContain("(no answer)");
    expect(text).toContain("*Personal note*\nHello there");
    expect(text).toMatch(/\*Profile strength:\* \d+\/100/);
    expect(text).toContain("Profile photo 25/25 (custom photo)");
    expect(text).toContain(":white_check_mark: *Profile photo*: has a profile photo");
    expect(text).toContain(":x: *Title*: no title");
    expect(text).toContain(":x: *Time zone*: America/New\u200B_\u200BYork is not in Europe/");
    expect(text).toContain("Seats: 3 of 10 taken");
    expect(renderCard(state).text).toContain("Waiting for review");
  });

  it("has Approve (primary), Deny (danger) and the tools' buttons carrying only the request id while pending", () => {
    const [actions] = actionsOf(stateOf(community));
    const elements = (actions?.elements ?? []) as AnyBlock[];
    expect(elements.map((e) => [e.action_id, e.style, e.value, (e.text as AnyBlock).text])).toEqual([
      ["gk_approve", "primary", "r0123456789abcdef0123", "Approve"],
      ["gk_deny", "danger", "r0123456789abcdef0123", "Deny"],
      ["gk_ask", undefined, "r0123456789abcdef0123", "Ask a question"],
      ["gk_claim", undefined, "r0123456789abcdef0123", "Claim"],
    ]);
  });

  it("shows the decision, by whom and when, and drops the buttons once decided", () => {
    const at = "2026-06-02T09:30:00.000Z";
    const approved = stateOf(community, {
      status: "approved",
      admittedAt: at,
      decision: { outcome: "approved", by: { kind: "user", id: "U0MOD1", name: "mod" }, at },
    });
    expect(actionsOf(approved)).toHaveLength(0);
    expect(allText(approved)).toContain("*Approved* by <@U0MOD1> on 2026-06-02 09:30 UTC");

    const denied = stateOf(community, {
      status: "denied",
      closedAt: at,
      decision: { outcome: "denied", by: { kind: "user", id: "U0MOD2" }, at, reason: "Not a fit" },
    });
    expect(actionsOf(denied)).toHaveLength(0);
    expect(allText(denied)).toContain("*Denied* by <@U0MOD2> on 2026-06-02 09:30 UTC\n*Reason:* Not a fit");

    const auto = stateOf(community, {
      status: "denied",
      decision: {
        outcome: "denied",
        by: { kind: "system", id: "gatekeeper" },
        at,
        reason: "Profile photo: no profile photo",
      },
    });
    expect(allText(auto)).toContain("*Denied* automatically on 2026-06-02 09:30 UTC");
  });

  it("shows the waitlist position and the capacity for a waitlisted approval", () => {
    const at = "2026-06-02T09:30:00.000Z";
    const state = {
      ...stateOf(community, {
        status: "waitlisted",
        waitlist: { ticket: 7, since: at },
        decision: { outcome: "approved", by: { kind: "user", id: "U0MOD1" }, at },
      }),
      seats: { used: 10, capacity: 10 },
      waitlistPosition: 2,
    };
    expect(allText(state)).toContain(
      "*Approved, waiting for a seat* (position 2 on the waitlist) by <@U0MOD1>",
    );
    expect(allText(state)).toContain("Seats: 10 of 10 taken");
    expect(actionsOf(state)).toHaveLength(0);
  });

  it("shows delivery issues to the moderators", () => {
    const state = stateOf(community, {
      issues: ["Could not message the applicant: the applicant is a bot account."],
    });
    expect(allText(state)).toContain(
      ":warning: Could not message the applicant: the applicant is a bot account.",
    );
  });

  it("says when the profile could not be read", () => {
    const profile: Profile = { platform: "slack", userId: "U0APPL1", name: "applicant", available: false };
    expect(allText(stateOf(community, {}, profile))).toContain("Slack profile unavailable");
  });

  it("does not mention a user id that is not a Slack id", () => {
    const state = stateOf(community, { applicant: { userId: "<!channel>", name: "x" } });
    const texts = textsOf(renderCard(state));
    expect(texts.mrkdwn.flatMap((t) => liveSyntax(t))).toEqual([]);
  });

  it("keeps long answers within Slack's 3000-character section limit without splitting an escape", () => {
    const state = stateOf(community, {
      answers: [{ id: "why", label: "Why do you want to join?", value: "<&>".repeat(1000) }],
    });
    for (const block of blocksOf(state)) {
      const text = (block.text as AnyBlock | undefined)?.text;
      if (typeof text === "string") {
        expect(text.length).toBeLessThanOrEqual(3000);
        expect(text).not.toMatch(/&(a|am|l|g)?$|&(lt|gt|amp)…$/);
      }
    }
    expect(renderCard(state).blocks.length).toBeLessThanOrEqual(50);
  });
});

describe("escaping applicant text", () => {
  const injected: Profile = slackProfile("U0APPL1", {
    name: INJECTION,
    realName: INJECTION,
    title: INJECTION,
    timezone: INJECTION,
    emailDomain: INJECTION,
  });
  const at = "2026-06-02T09:30:00.000Z";
  const states: [string, EffectState][] = [
    [
      "pending",
      stateOf(
        community,
        {
          applicant: { userId: "U0APPL1", name: INJECTION },
          answers: [
            { id: "why", label: "Why do you want to join?", value: INJECTION },
            { id: "shop", label: "Your shop", value: INJECTION },
          ],
          note: INJECTION,
          issues: [INJECTION],
        },
        injected,
      ),
    ],
    [
      "denied with an injected reason",
      stateOf(
        community,
        {
          applicant: { userId: "U0APPL1", name: INJECTION },
          status: "denied",
          decision: {
            outcome: "denied",
            by: { kind: "user", id: "U0MOD1", name: INJECTION },
            at,
            reason: INJECTION,
          },
        },
        injected,
      ),
    ],
  ];

  for (const [name, state] of states) {
    it(`leaves no live mention, link or forged formatting on the card (${name})`, () => {
      const card = renderCard(state);
      const { mrkdwn: parsed } = textsOf(card);
      const problems = parsed.flatMap((t) => liveSyntax(t, ["U0APPL1", "U0MOD1"]));
      expect(problems).toEqual([]);
      // The text is still there, as text: `&amp;` typed by the applicant shows as "&amp;".
      expect(parsed.join("\n")).toContain("&amp;amp;");
      expect(parsed.join("\n")).toContain("&lt;!channel&gt;");
      expect(card.text).toContain("&lt;!channel&gt;");
    });
  }

  it("escapes the notice (with its reason), the reminder and the already-decided answer", () => {
    const [, denied] = states[1] ?? [];
    if (!denied) throw new Error("missing state");
    const evil = { ...community, name: INJECTION };
    const texts = [
      noticeText({ ...denied, community: evil }, "denied"),
      reminderText({ ...denied, community: evil }),
      toMrkdwn(Messages.alreadyDecided(denied.request)),
    ];
    for (const t of texts) expect(liveSyntax(t, ["U0APPL1", "U0MOD1", "U0MOD2"])).toEqual([]);
    expect(texts[0]).toContain("*Reason:* ");
    expect(texts[0]).toContain("&lt;!here&gt;");
    expect(texts[1]).toContain("<@U0MOD1> <@U0MOD2>");
  });

  it("catches unescaped text (the checker itself works)", () => {
    expect(liveSyntax(INJECTION).length).toBeGreaterThanOrEqual(9);
    expect(liveSyntax(mrkdwn(INJECTION))).toEqual([]);
  });
});
