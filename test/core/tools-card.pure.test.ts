import { describe, expect, it } from "vitest";
import { customIds, parseCustomId } from "../../bots/discord/custom-ids.js";
import { parseReplyButton, replyButtonValue } from "../../bots/slack/ids.js";
import { cardModel } from "../../core/card.js";
import type { EffectState } from "../../core/effects.js";
import type { JoinRequest } from "../../core/model.js";
import { evaluate } from "../../core/rules.js";
import { plainText } from "../../core/text.js";
import { communityOf, configOf, slackCommunity, slackProfile } from "../support/core.js";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const community = communityOf(configOf(slackCommunity()));
const mod = { kind: "user" as const, id: "U0MOD1", name: "mod" };
const asked = {
  n: 1,
  question: "Which boats?",
  askedBy: mod,
  askedAt: "2026-06-01T13:00:00.000Z",
  dueAt: "2026-06-04T13:00:00.000Z",
};

function state(overrides: Partial<JoinRequest> = {}): EffectState {
  const profile = slackProfile("U0APPL1");
  return {
    request: {
      id: "r0123456789abcdef0123",
      communityId: community.id,
      platform: "slack",
      workspace: community.workspace,
      applicant: { userId: "U0APPL1", name: "Jane" },
      answers: [{ id: "why", label: "Why do you want to join?", value: "Boats" }],
      profile,
      evaluation: evaluate(community, profile, NOW),
      status: "pending",
      version: 1,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      ...overrides,
    },
    community,
    seats: { used: 1, capacity: undefined },
    waitlistPosition: undefined,
  };
}

const activity = (s: EffectState) => cardModel(s).activity.map((l) => plainText([l]));

describe("the card's tools", () => {
  it("pending: Ask and Claim are live, nothing to report", () => {
    const card = cardModel(state());
    expect(card.activity).toEqual([]);
    expect(card.history).toEqual([]);
    expect(card.tools).toEqual({ ask: true, claim: true, unclaim: false });
  });

  it("claimed: who is reviewing, and Unclaim instead of Claim", () => {
    const s = state({
      claim: { by: mod, at: "2026-06-01T12:30:00.000Z", until: "2026-06-01T13:30:00.000Z" },
    });
    expect(activity(s)).toEqual([
      "👀 Being reviewed by mod since 2026-06-01 12:30 UTC (until 2026-06-01 13:30 UTC)",
    ]);
    expect(cardModel(s).tools).toEqual({ ask: true, claim: false, unclaim: true });
    expect(cardModel(s).actions).toEqual({ approve: true, deny: true });
  });

  it("waiting for a reply: since when, which question, and no second question", () => {
    const s = state({ interview: [asked], awaitingRound: 1 });
    expect(activity(s)).toEqual([
      "💬 Waiting for the applicant's reply since 2026-06-01 13:00 UTC (question 1, asked by mod)",
    ]);
    expect(cardModel(s).tools.ask).toBe(false);
  });

  it("replied, and unanswered (back in the queue, or declined)", () => {
    const replied = state({
      interview: [{ ...asked, reply: "Dinghies", repliedAt: "2026-06-02T08:00:00.000Z" }],
    });
    expect(activity(replied)).toEqual(["💬 Replied to question 1 on 2026-06-02 08:00 UTC (see the thread)"]);
    expect(cardModel(replied).tools.ask).toBe(true);
    const none = state({ interview: [asked], noReplyAt: "2026-06-04T13:00:00.000Z" });
    expect(activity(none)).toEqual([
      '⚠️ No reply to question 1 (asked 2026-06-01 13:00 UTC): back in the queue, flagged "no reply"',
    ]);
    const declined = state({
      status: "denied",
      interview: [asked],
      awaitingRound: 1,
      noReplyAt: "2026-06-04T13:00:00.000Z",
    });
    expect(activity(declined)).toEqual([
      "⚠️ No reply to question 1 (asked 2026-06-01 13:00 UTC): declined for no reply",
    ]);
  });

  it("decided and blocked: who blocked and when, no buttons", () => {
    const at = "2026-06-02T09:30:00.000Z";
    const s = state({
      status: "denied",
      decision: { outcome: "denied", by: mod, at, reason: "Spam" },
      blocked: { by: mod, at },
      claim: { by: mod, at, until: at },
    });
    expect(activity(s)).toEqual(["🚫 Blocked from applying again by mod on 2026-06-02 09:30 UTC"]);
    expect(cardModel(s).tools).toEqual({ ask: false, claim: false, unclaim: false });
  });

  it("shows the history of earlier requests and the answer diff", () => {
    const s = state({
      history: {
        earlier: [
          {
            id: "r1",
            status: "denied",
            createdAt: "2026-05-01T10:00:00.000Z",
            closedAt: "2026-05-02T10:00:00.000Z",
            by: mod,
            reason: "More\nplease",
          },
          {
            id: "r2",
            status: "withdrawn",
            createdAt: "2026-04-01T10:00:00.000Z",
            closedAt: "2026-04-03T10:00:00.000Z",
          },
        ],
        more: 1,
        diff: [{ id: "why", label: "Why do you want to join?", change: "changed" }],
      },
    });
    expect(cardModel(s).history.map((l) => plainText([l]))).toEqual([
      "Earlier requests here (3):",
      "• Denied by mod on 2026-05-02: More please",
      "• Withdrawn on 2026-04-03",
      "• and 1 more",
      "Answers since the last request: Why do you want to join? changed",
    ]);
  });
});

describe("the tools' ids", () => {
  it("Discord custom ids round-trip, and anything else is refused", () => {
    const r = "r0123456789abcdef0123";
    for (const kind of ["ask", "question", "claim", "unclaim"] as const)
      expect(parseCustomId(customIds[kind](r))).toEqual({ kind, requestId: r });
    expect(parseCustomId(customIds.answer(r, 3))).toEqual({ kind: "answer", requestId: r, round: 3 });
    expect(parseCustomId(customIds.replied(r, 12))).toEqual({ kind: "replied", requestId: r, round: 12 });
    for (const bad of [
      `gk:answer:${r}:0`,
      `gk:answer:${r}:1000`,
      `gk:answer:${r}`,
      `gk:replied:${r}:x`,
      `gk:claim:${r}:1`,
    ])
      expect(parseCustomId(bad), bad).toBeUndefined();
  });

  it("the Slack Reply button's value round-trips, and anything else is refused", () => {
    const r = "r0123456789abcdef0123";
    expect(parseReplyButton(replyButtonValue(r, 2))).toEqual({ requestId: r, round: 2 });
    for (const bad of [r, `${r}:`, `${r}:abc`, `x:1`, undefined])
      expect(parseReplyButton(bad)).toBeUndefined();
  });
});
