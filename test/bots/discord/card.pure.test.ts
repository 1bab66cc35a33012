import type { APIEmbed } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { allocate, renderCard, renderNotice, renderReminder } from "../../../bots/discord/card.js";
import { ZWSP } from "../../../bots/discord/escape.js";
import type { EffectState } from "../../../core/effects.js";
import type { JoinRequest } from "../../../core/model.js";
import type { Profile } from "../../../core/profile.js";
import { evaluate } from "../../../core/rules.js";
import { communityOf, configOf, discordCommunity } from "../../support/core.js";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const APPLICANT = "80351110224678912";
const MOD = "100000000000000003";

const community = communityOf(
  configOf(
    discordCommunity({
      name: "Makers Guild",
      questions: [
        { id: "why", label: "Why do you want to join?", style: "paragraph" },
        { id: "where", label: "Where are you based?", required: false },
      ],
      rules: { requireAvatar: true, minAccountAgeDays: 30 },
      capacity: 10,
    }),
  ),
);

const profile: Profile = {
  platform: "discord",
  userId: APPLICANT,
  name: "Ada",
  available: true,
  hasAvatar: false,
  realName: "Ada",
  accountCreatedAt: "2015-08-10T17:26:37.529Z",
  joinedAt: "2026-05-01T00:00:00.000Z",
  isBot: false,
};

function stateOf(overrides: Partial<JoinRequest> = {}, extra: Partial<EffectState> = {}): EffectState {
  const request: JoinRequest = {
    id: "r0123456789abcdef0123",
    communityId: community.id,
    platform: "discord",
    workspace: community.workspace,
    applicant: { userId: APPLICANT, name: "Ada **the** <@&100000000000000004>" },
    answers: [
      { id: "why", label: "Why do you want to join?", value: "I build engines. @everyone" },
      { id: "where", label: "Where are you based?", value: "" },
    ],
    note: "Hello <#100000000000000002>",
    profile,
    evaluation: evaluate(community, profile, NOW),
    status: "pending",
    version: 1,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...overrides,
  };
  return { request, community, seats: { used: 3, capacity: 10 }, waitlistPosition: undefined, ...extra };
}

const embedsOf = (state: EffectState) => (renderCard(state).embeds ?? []) as APIEmbed[];
const textOf = (state: EffectState) => JSON.stringify(renderCard(state));
const decision = (outcome: "approved" | "denied", reason?: string) => ({
  outcome,
  by: { kind: "user" as const, id: MOD, name: "Mod" },
  at: "2026-06-02T09:00:00.000Z",
  ...(reason ? { reason } : {}),
});

describe("the approval card", () => {
  it("shows the applicant, status, seats, score, every rule, the answers and the note, with Approve and Deny", () => {
    const state = stateOf();
    const card = renderCard(state);
    expect(card.allowed_mentions).toEqual({ parse: [] });
    const [summary, answers] = embedsOf(state);
    expect(summary?.title).toBe("Request to join Makers Guild");
    expect(summary?.description).toBe(
      [
        `**Applicant:** <@${APPLICANT}> · Ada \\*\\*the\\*\\* <${ZWSP}@&100000000000000004>`,
        "⏳ **Waiting for review**",
        "Seats: 3 of 10 taken",
        "**Submitted:** <t:1780315200:f>",
        "**Profile:** Display name: Ada · Default photo · Account created 2015-08-10 · Joined the server 2026-05-01",
      ].join("\n"),
    );
    expect(summary?.fields?.[0]?.name).toMatch(/^Profile strength: \d+\/100$/);
    expect(summary?.fields?.[0]?.value).toContain("• Avatar: 0/30 (default avatar)");
    expect(summary?.fields?.[1]).toEqual({
      name: "Rules: some failed",
      value: "❌ Profile photo: no profile photo\n✅ Account age: 3947 days old (at least 30)",
    });
    expect(summary?.footer?.text).toBe("Request r0123456789abcdef0123 · gamers");
    expect(answers?.fields).toEqual([
      { name: "Why do you want to join?", value: `I build engines. @${ZWSP}everyone` },
      { name: "Where are you based?", value: "*(no answer)*" },
      { name: "Personal note", value: `Hello <${ZWSP}#100000000000000002>` },
    ]);
    expect(card.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, custom_id: "gk:approve:r0123456789abcdef0123", label: "Approve", style: 3 },
          { type: 2, custom_id: "gk:deny:r0123456789abcdef0123", label: "Deny", style: 4 },
          { type: 2, custom_id: "gk:ask:r0123456789abcdef0123", label: "Ask a question", style: 2 },
          { type: 2, custom_id: "gk:claim:r0123456789abcdef0123", label: "Claim", style: 2 },
        ],
      },
    ]);
  });

  it("shows the decision, by whom and when, without buttons once decided", () => {
    const approved = stateOf({
      status: "approved",
      decision: decision("approved"),
      admittedAt: "2026-06-02T09:00:00.000Z",
    });
    expect(renderCard(approved).components).toEqual([]);
    expect(embedsOf(approved)[0]?.description).toContain(`✅ **Approved** by <@${MOD}> on <t:1780390800:f>`);

    const denied = stateOf({
      status: "denied",
      decision: decision("denied", "No **photo** @here"),
      closedAt: "2026-06-02T09:00:00.000Z",
    });
    expect(renderCard(denied).components).toEqual([]);
    const description = embedsOf(denied)[0]?.description ?? "";
    expect(description).toContain(`⛔ **Denied** by <@${MOD}>`);
    expect(description).toContain(`**Reason:** No \\*\\*photo\\*\\* @${ZWSP}here`);

    const automatic = stateOf({
      status: "denied",
      decision: { ...decision("denied"), by: { kind: "system", id: "gatekeeper" } },
    });
    expect(embedsOf(automatic)[0]?.description).toContain("Denied** automatically on");

    const waitlisted = stateOf(
      { status: "waitlisted", decision: decision("approved") },
      { waitlistPosition: 4, seats: { used: 10, capacity: 10 } },
    );
    const w = embedsOf(waitlisted)[0]?.description ?? "";
    expect(w).toContain("🕒 **Approved, waiting for a seat** (position 4 on the waitlist) by");
    expect(w).toContain("Seats: 10 of 10 taken · full (approvals join the waitlist)");

    expect(textOf(stateOf({ status: "withdrawn", closedAt: NOW.toISOString() }))).toContain(
      "Withdrawn** by the applicant",
    );
    expect(textOf(stateOf({ status: "expired", closedAt: NOW.toISOString() }))).toContain("Expired** on <t:");
    expect(renderCard(stateOf({ status: "expired" })).components).toEqual([]);
  });

  it("shows delivery problems so moderators can act on them", () => {
    const state = stateOf({
      status: "approved",
      decision: decision("approved"),
      issues: ["Could not DM the applicant: their DMs are closed"],
    });
    expect(embedsOf(state)[0]?.fields?.at(-1)).toEqual({
      name: "⚠️ Needs attention",
      value: "• Could not DM the applicant: their DMs are closed",
    });
    expect(embedsOf(stateOf())[0]?.fields?.some((f) => f.name.includes("Needs attention"))).toBe(false);
  });

  it("stays within Discord's embed limits for the longest possible form", () => {
    const questions = Array.from({ length: 20 }, (_, i) => ({
      id: `q${i}`,
      label: `Question ${i} ${"x".repeat(30)}`.slice(0, 45),
      maxLength: 3000,
    }));
    const big = communityOf(configOf(discordCommunity({ questions, note: { maxLength: 1000 } })));
    const state = stateOf({
      answers: questions.map((q, i) => ({
        id: q.id,
        label: q.label,
        value: i === 0 ? "short answer" : "*".repeat(3000),
      })),
      note: "_".repeat(1000),
    });
    state.community = big;
    const embeds = embedsOf(state);
    const total = embeds.reduce(
      (n, e) =>
        n +
        (e.title?.length ?? 0) +
        (e.description?.length ?? 0) +
        (e.footer?.text.length ?? 0) +
        (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
      0,
    );
    expect(total).toBeLessThanOrEqual(6000);
    const fields = embeds[1]?.fields ?? [];
    expect(fields).toHaveLength(21);
    expect(fields[0]?.value).toBe("short answer");
    for (const f of fields) {
      expect(f.value.length).toBeGreaterThan(0);
      expect(f.value.length).toBeLessThanOrEqual(1024);
    }
    expect(fields[5]?.value.endsWith("…")).toBe(true);
  });

  it("shares the character budget fairly", () => {
    expect(allocate([10, 5000, 5000], 1000, 1024)).toEqual([10, 495, 495]);
    expect(allocate([10, 20], 1000, 1024)).toEqual([10, 20]);
    expect(allocate([3000, 3000], 5000, 1024)).toEqual([1024, 1024]);
    expect(allocate([100], -5, 1024)).toEqual([0]);
  });
});

describe("the applicant's notices and the reminder", () => {
  it("tells the applicant the decision, with the moderator's reason escaped", () => {
    const approved = renderNotice(
      stateOf({ status: "approved", decision: decision("approved") }),
      "approved",
    );
    expect(approved).toEqual({
      content: "Good news: your request to join Makers Guild was approved. Welcome!",
      allowed_mentions: { parse: [] },
    });
    const denied = renderNotice(
      stateOf({ status: "denied", decision: decision("denied", "Add a photo <@&1234567890123456> **now**") }),
      "denied",
    );
    expect(denied.content).toBe(
      `Your request to join Makers Guild was declined.\n**Reason:** Add a photo <${ZWSP}@&1234567890123456> \\*\\*now\\*\\*`,
    );
    const waitlisted = renderNotice(stateOf({ status: "waitlisted" }, { waitlistPosition: 2 }), "waitlisted");
    expect(waitlisted.content).toContain("on the waitlist at position 2");
  });

  it("reminds moderators with a reply to the card that pings the listed moderators only", () => {
    const reminder = renderReminder(
      stateOf({ card: { channel: "100000000000000002", id: "100000000000000009" } }),
    );
    expect(reminder.message_reference).toEqual({
      message_id: "100000000000000009",
      channel_id: "100000000000000002",
      fail_if_not_exists: false,
    });
    expect(reminder.allowed_mentions).toEqual({ parse: [], users: [MOD], replied_user: false });
    expect(reminder.content).toContain(
      `<@${MOD}> the request from Ada \\*\\*the\\*\\* <${ZWSP}@&100000000000000004> to join Makers Guild`,
    );
  });
});
