import { describe, expect, it } from "vitest";
import { cardModel, profileFacts } from "../../core/card.js";
import type { EffectState } from "../../core/effects.js";
import type { JoinRequest } from "../../core/model.js";
import { profileSchema } from "../../core/profile.js";
import { evaluate } from "../../core/rules.js";
import { plainText } from "../../core/text.js";
import { communityOf, configOf, slackCommunity, slackProfile } from "../support/core.js";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const community = communityOf(configOf(slackCommunity({ rules: { requireAvatar: true }, capacity: 10 })));

function state(overrides: Partial<JoinRequest> = {}, extra: Partial<EffectState> = {}): EffectState {
  const profile = slackProfile("U0APPL1");
  const request: JoinRequest = {
    id: "r0123456789abcdef0123",
    communityId: community.id,
    platform: "slack",
    workspace: community.workspace,
    applicant: { userId: "U0APPL1", name: "Jane" },
    answers: [{ id: "why", label: "Why do you want to join?", value: "Because" }],
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

const at = "2026-06-02T09:30:00.000Z";

describe("the card model", () => {
  it("has live buttons only while pending", () => {
    expect(cardModel(state()).actions).toEqual({ approve: true, deny: true });
    for (const status of ["approved", "waitlisted", "denied", "withdrawn", "expired"] as const)
      expect(cardModel(state({ status })).actions).toEqual({ approve: false, deny: false });
  });

  it("says who decided, when and why, and where a waitlisted request stands", () => {
    const denied = cardModel(
      state({
        status: "denied",
        decision: { outcome: "denied", by: { kind: "user", id: "U0MOD1" }, at, reason: "No" },
      }),
    );
    expect(plainText([denied.headline])).toBe("Denied by U0MOD1 on 2026-06-02 09:30 UTC");
    expect(denied.reason).toBe("No");
    expect(denied.seats).toBeUndefined();
    const auto = cardModel(
      state({ status: "denied", decision: { outcome: "denied", by: { kind: "system", id: "gk" }, at } }),
    );
    expect(plainText([auto.headline])).toBe("Denied automatically on 2026-06-02 09:30 UTC");
    const waiting = cardModel(
      state(
        {
          status: "waitlisted",
          decision: { outcome: "approved", by: { kind: "user", id: "U0MOD1", name: "mod" }, at },
        },
        { waitlistPosition: 2, seats: { used: 10, capacity: 10 } },
      ),
    );
    expect(plainText([waiting.headline])).toBe(
      "Approved, waiting for a seat (position 2 on the waitlist) by mod on 2026-06-02 09:30 UTC",
    );
    expect(waiting.seats).toBe("Seats: 10 of 10 taken · full (approvals join the waitlist)");
  });

  it("flags rules it could not check, and delivery issues", () => {
    const profile = slackProfile("U0APPL1", { available: false });
    const card = cardModel(
      state({
        profile,
        evaluation: evaluate(community, profile, NOW),
        issues: ["Could not DM the applicant"],
      }),
    );
    expect(card.issues).toEqual([
      "One rule could not be checked; review them by hand.",
      "Could not DM the applicant",
    ]);
    expect(card.rules.items[0]).toMatchObject({ passed: false, checked: false });
  });

  it("shows only the domain of an email", () => {
    const facts = profileFacts(slackProfile("U1", { emailDomain: "example.com" }));
    expect(facts).toContain("Email domain: example.com");
  });

  it("reads a profile recorded with a full email address as its domain only", () => {
    const legacy = profileSchema.parse({
      platform: "slack",
      userId: "U1",
      name: "x",
      email: "Someone@Example.ORG",
    });
    expect(legacy).toEqual({
      platform: "slack",
      userId: "U1",
      name: "x",
      available: true,
      emailDomain: "example.org",
    });
    expect(JSON.stringify(profileFacts(legacy))).not.toContain("Someone");
  });
});
