import { describe, expect, it } from "vitest";
import type { JoinRequest } from "../../core/model.js";
import { cooldownUntil, initialStatus, refineOpen, refusalFor, validateAnswers } from "../../core/policy.js";
import { evaluate } from "../../core/rules.js";
import { communityOf, configOf, slackCommunity, slackProfile } from "../support/core.js";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const strict = communityOf(
  configOf(slackCommunity({ rules: { requireAvatar: true, requireTitle: true }, onRuleFailure: "deny" })),
);

describe("who may apply", () => {
  const c = communityOf(configOf(slackCommunity({ blocklist: ["U0BAD"] })));
  it("refuses blocked, members, open requests and cooldowns, in that order", () => {
    expect(refusalFor(c, "U0BAD", {}, NOW)).toEqual({ reason: "blocked" });
    expect(refusalFor(c, "U1", { blocked: true, memberSince: "x" }, NOW)).toEqual({ reason: "blocked" });
    expect(refusalFor(c, "U1", { memberSince: "2026-01-01", activeRequestId: "r1" }, NOW)).toEqual({
      reason: "member",
      since: "2026-01-01",
    });
    expect(refusalFor(c, "U1", { activeRequestId: "r1" }, NOW)).toEqual({
      reason: "pending",
      requestId: "r1",
    });
    expect(refusalFor(c, "U1", { cooldownUntil: "2026-06-02T00:00:00.000Z" }, NOW)).toEqual({
      reason: "cooldown",
      until: "2026-06-02T00:00:00.000Z",
    });
    expect(refusalFor(c, "U1", { cooldownUntil: "2026-06-01T11:00:00.000Z" }, NOW)).toBeUndefined();
    expect(refusalFor(c, "U1", {}, NOW)).toBeUndefined();
  });

  it("names an open request that is on the waitlist", () => {
    const waitlisted = { status: "waitlisted" } as Pick<JoinRequest, "status"> as JoinRequest;
    expect(refineOpen({ reason: "pending", requestId: "r1" }, waitlisted)).toEqual({
      reason: "waitlisted",
      requestId: "r1",
    });
    expect(refineOpen({ reason: "pending", requestId: "r1" }, undefined)).toEqual({
      reason: "pending",
      requestId: "r1",
    });
  });

  it("starts a cooldown only when the community has one", () => {
    expect(cooldownUntil(communityOf(configOf(slackCommunity({ cooldownDays: 2 }))), NOW)).toBe(
      "2026-06-03T12:00:00.000Z",
    );
    expect(cooldownUntil(communityOf(configOf(slackCommunity({ cooldownDays: 0 }))), NOW)).toBeUndefined();
  });
});

describe("what a new request becomes", () => {
  const seats = { used: 0, capacity: 10 };
  const full = { used: 10, capacity: 10 };
  const good = evaluate(strict, slackProfile("U1"), NOW);
  const bad = evaluate(strict, slackProfile("U1", { hasAvatar: false }), NOW);
  const unavailable = evaluate(strict, slackProfile("U1", { available: false }), NOW);

  it("declines on a failed rule when the community says so, with the failures as the reason", () => {
    expect(initialStatus(strict, bad, seats)).toEqual({
      status: "denied",
      reason: "Profile photo: no profile photo",
    });
    expect(initialStatus(strict, good, seats)).toEqual({ status: "pending" });
  });

  it("never declines on a rule it could not check: the request goes to review", () => {
    expect(unavailable.passed).toBe(false);
    expect(unavailable.rules.every((r) => !r.checked)).toBe(true);
    expect(initialStatus(strict, unavailable, seats)).toEqual({ status: "pending" });
    const auto = communityOf(configOf(slackCommunity({ rules: { requireAvatar: true }, autoApprove: true })));
    expect(initialStatus(auto, evaluate(auto, slackProfile("U1", { available: false }), NOW), seats)).toEqual(
      {
        status: "pending",
      },
    );
  });

  it("approves automatically into a free seat, waitlists when full, declines when full and set to", () => {
    const auto = communityOf(configOf(slackCommunity({ autoApprove: true, capacity: 10 })));
    const ok = evaluate(auto, slackProfile("U1"), NOW);
    expect(initialStatus(auto, ok, seats)).toEqual({ status: "approved" });
    expect(initialStatus(auto, ok, full)).toEqual({ status: "waitlisted" });
    const closed = communityOf(configOf(slackCommunity({ capacity: 10, whenFull: "deny" })));
    expect(initialStatus(closed, evaluate(closed, slackProfile("U1"), NOW), full)).toEqual({
      status: "denied",
      reason: "The community is full.",
    });
  });
});

describe("answers", () => {
  const c = communityOf(
    configOf(
      slackCommunity({
        questions: [{ id: "why", label: "Why?", required: true, maxLength: 5, minLength: 2 }],
        note: { required: false, maxLength: 3 },
      }),
    ),
  );
  it("trims, and reports each field's problem", () => {
    expect(validateAnswers(c, { why: "  ok  " }, " hi ")).toEqual({
      errors: [],
      answers: [{ id: "why", label: "Why?", value: "ok" }],
      note: "hi",
    });
    expect(validateAnswers(c, { why: " " }, "long note").errors.map((e) => e.field)).toEqual(["why", "note"]);
    expect(validateAnswers(c, { why: "toolong" }, undefined).errors[0]?.message).toContain("under 5");
    expect(validateAnswers(c, { why: "a" }, undefined).errors[0]?.message).toContain("at least 2");
  });
});
