import { describe, expect, it } from "vitest";
import type { Profile } from "../../core/profile.js";
import { snowflakeTimestamp } from "../../core/profile.js";
import { evaluate, failureSummary } from "../../core/rules.js";
import { scoreProfile } from "../../core/score.js";
import { communityOf, configOf, discordCommunity, slackCommunity, slackProfile } from "../support/core.js";

const NOW = new Date("2026-06-01T00:00:00Z");
const DAY = 86_400_000;

function discordProfile(overrides: Partial<Profile> = {}): Profile {
  return {
    platform: "discord",
    userId: "200000000000000001",
    name: "gamer",
    available: true,
    hasAvatar: true,
    realName: "Gamer One",
    accountCreatedAt: new Date(NOW.getTime() - 400 * DAY).toISOString(),
    joinedAt: new Date(NOW.getTime() - 30 * DAY).toISOString(),
    ...overrides,
  };
}

type Case = [string, "slack" | "discord", Record<string, unknown>, Partial<Profile>, boolean, string];

const cases: Case[] = [
  ["avatar present", "slack", { requireAvatar: true }, {}, true, "has a profile photo"],
  ["avatar missing", "slack", { requireAvatar: true }, { hasAvatar: false }, false, "no profile photo"],
  [
    "discord avatar missing",
    "discord",
    { requireAvatar: true },
    { hasAvatar: false },
    false,
    "no profile photo",
  ],
  ["real name present", "slack", { requireRealName: true }, {}, true, "real name is set"],
  ["real name blank", "slack", { requireRealName: true }, { realName: "  " }, false, "no real name"],
  [
    "discord display name missing",
    "discord",
    { requireRealName: true },
    { realName: undefined },
    false,
    "no display name",
  ],
  ["title present", "slack", { requireTitle: true }, {}, true, "title is set"],
  ["title missing", "slack", { requireTitle: true }, { title: undefined }, false, "no title"],
  ["account old enough", "discord", { minAccountAgeDays: 30 }, {}, true, "400 days old (at least 30)"],
  [
    "account too young",
    "discord",
    { minAccountAgeDays: 30 },
    { accountCreatedAt: new Date(NOW.getTime() - 3 * DAY).toISOString() },
    false,
    "3 days old (needs 30)",
  ],
  [
    "account age unknown",
    "discord",
    { minAccountAgeDays: 30 },
    { accountCreatedAt: undefined },
    false,
    "account age unknown",
  ],
  [
    "email domain allowed",
    "slack",
    { emailDomains: ["example.com"] },
    { emailDomain: "Example.com" },
    true,
    "@example.com",
  ],
  [
    "email domain other",
    "slack",
    { emailDomains: ["example.com"] },
    { emailDomain: "evil.io" },
    false,
    "@evil.io is not one of example.com",
  ],
  [
    "email hidden",
    "slack",
    { emailDomains: ["example.com"] },
    { emailDomain: undefined },
    false,
    "email not visible",
  ],
  ["timezone matches", "slack", { timezonePrefixes: ["Europe/"] }, {}, true, "Europe/Paris"],
  [
    "timezone other",
    "slack",
    { timezonePrefixes: ["Europe/"] },
    { timezone: "America/Denver" },
    false,
    "America/Denver is not in Europe/",
  ],
  ["title keyword", "slack", { titleKeywords: ["ECOMMERCE"] }, {}, true, 'title mentions "ECOMMERCE"'],
  [
    "title without keyword",
    "slack",
    { titleKeywords: ["shopify"] },
    {},
    false,
    "title mentions none of shopify",
  ],
  ["score reached", "slack", { minProfileScore: 90 }, {}, true, "100/100 (needs 90)"],
  [
    "score too low",
    "slack",
    { minProfileScore: 90 },
    { title: undefined, emailDomain: undefined },
    false,
    "70/100 (needs 90)",
  ],
  ["discord score", "discord", { minProfileScore: 95 }, {}, true, "100/100 (needs 95)"],
];

describe("rules", () => {
  it.each(cases)("%s (%s)", (_name, platform, rules, profileOverrides, passed, detail) => {
    const community = communityOf(
      configOf(platform === "slack" ? slackCommunity({ rules }) : discordCommunity({ rules })),
    );
    const profile =
      platform === "slack" ? slackProfile("U1", profileOverrides) : discordProfile(profileOverrides);
    const evaluation = evaluate(community, profile, NOW);
    expect(evaluation.rules).toHaveLength(1);
    expect(evaluation.rules[0]).toMatchObject({ passed, detail });
    expect(evaluation.passed).toBe(passed);
  });

  it("reports every configured rule, and summarises the failures for the deny reason", () => {
    const community = communityOf(
      configOf(
        slackCommunity({ rules: { requireAvatar: true, requireTitle: true, emailDomains: ["example.com"] } }),
      ),
    );
    const evaluation = evaluate(community, slackProfile("U1", { hasAvatar: false, title: "" }), NOW);
    expect(evaluation.rules.map((r) => [r.rule, r.passed])).toEqual([
      ["requireAvatar", false],
      ["requireTitle", false],
      ["emailDomains", true],
    ]);
    expect(failureSummary(evaluation)).toBe("Profile photo: no profile photo; Title: no title");
  });

  it("fails every rule with a reason when the profile could not be read", () => {
    const community = communityOf(
      configOf(slackCommunity({ rules: { requireAvatar: true, minProfileScore: 10 } })),
    );
    const evaluation = evaluate(
      community,
      { platform: "slack", userId: "U1", name: "U1", available: false },
      NOW,
    );
    expect(evaluation.passed).toBe(false);
    expect(evaluation.rules[0]?.detail).toBe("could not be checked: the profile was unavailable");
    expect(evaluation.score).toBe(0);
  });

  it("passes with no rules configured", () => {
    const evaluation = evaluate(
      communityOf(configOf(slackCommunity())),
      slackProfile("U1", { hasAvatar: false }),
      NOW,
    );
    expect(evaluation).toMatchObject({ rules: [], passed: true });
  });
});

describe("profile score", () => {
  it("weights Slack signals to 100 and explains each", () => {
    const full = scoreProfile(slackProfile("U1"), NOW);
    expect(full.score).toBe(100);
    expect(full.items.reduce((s, i) => s + i.max, 0)).toBe(100);
    const bare = scoreProfile(
      slackProfile("U1", {
        hasAvatar: false,
        realName: "",
        title: "",
        timezone: undefined,
        emailDomain: undefined,
        isGuest: true,
      }),
      NOW,
    );
    expect(bare.score).toBe(0);
    expect(scoreProfile(slackProfile("U1", { hasAvatar: false }), NOW).score).toBe(75);
  });

  it("gives Discord accounts partial credit for age and time in the server", () => {
    expect(scoreProfile(discordProfile(), NOW).score).toBe(100);
    const young = scoreProfile(
      discordProfile({
        accountCreatedAt: new Date(NOW.getTime() - 73 * DAY).toISOString(),
        joinedAt: NOW.toISOString(),
      }),
      NOW,
    );
    expect(young.items.find((i) => i.label === "Account age")).toMatchObject({
      points: 7,
      max: 35,
      detail: "73 days",
    });
    expect(young.items.find((i) => i.label === "In the server")).toMatchObject({ points: 0 });
    expect(young.score).toBe(62);
  });

  it("reads a Discord snowflake's timestamp", () => {
    expect(snowflakeTimestamp("175928847299117063")?.toISOString()).toBe("2016-04-30T11:18:25.796Z");
    expect(snowflakeTimestamp("not-a-snowflake")).toBeUndefined();
  });
});
