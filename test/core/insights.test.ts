import { describe, expect, it } from "vitest";
import * as Capacity from "../../core/capacity.js";
import * as Insights from "../../core/insights.js";
import * as Requests from "../../core/requests.js";
import { DECISION_BUCKETS_MIN } from "../../core/stats.js";
import { ask } from "../../core/usecases/interview.js";
import { sweepTimers } from "../../core/usecases/timers.js";
import {
  communityOf,
  configOf,
  createTestCore,
  decideAs,
  slackCommunity,
  slackProfile,
  testClock,
} from "../support/core.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A seeded history, through the real state changes (submit, decide, withdraw, expire, admit),
 * and the figures the counters give for it.
 */
describe("insights from the per-day counters", () => {
  it("counts a seeded history: requests, outcomes, who decided, time to decision, failed rules, seats and waitlist", async () => {
    const clock = testClock("2026-05-01T08:00:00.000Z");
    const config = configOf(
      slackCommunity({
        capacity: 3,
        rules: { requireAvatar: true, requireTitle: true },
        pendingExpiryDays: 3,
      }),
    );
    const core = await createTestCore(config, clock.now);
    const community = communityOf(config);
    let n = 0;
    const submit = async (overrides = {}) => {
      const userId = `U${String(n++).padStart(3, "0")}`;
      const outcome = await Requests.submit(core, {
        community,
        submissionKey: `v-${userId}`,
        applicant: { userId, name: userId },
        answers: { why: "because" },
        profile: slackProfile(userId, overrides),
      });
      if (outcome.kind !== "recorded") throw new Error(outcome.kind);
      return outcome.request;
    };

    // Old history, outside a 7-day window but inside 30: 2 requests, both approved by MOD2 after 2 h.
    const old = [await submit(), await submit()];
    clock.advance(2 * HOUR);
    for (const r of old)
      await decideAs(core, { id: "U0MOD2", name: "Mod Two" }, { requestId: r.id, outcome: "approve" });

    // Ten days later (the last 7 days): 6 requests.
    clock.set("2026-05-11T08:00:00.000Z");
    const noPhoto = await submit({ hasAvatar: false }); // fails 1 rule
    const noBoth = await submit({ hasAvatar: false, title: undefined }); // fails 2 rules
    const fine = [await submit(), await submit(), await submit()];
    const leaver = await submit();
    clock.advance(10 * 60_000); // 10 minutes
    await decideAs(
      core,
      { id: "U0MOD1", name: "Mod One" },
      { requestId: noPhoto.id, outcome: "deny", reason: "photo" },
    );
    await decideAs(
      core,
      { id: "U0MOD1", name: "Mod One" },
      { requestId: fine[0]?.id ?? "", outcome: "approve" },
    );
    clock.advance(50 * 60_000); // 1 hour after submission; full (3 seats), so both wait for a seat
    await decideAs(
      core,
      { id: "U0MOD2", name: "Mod Two" },
      { requestId: fine[1]?.id ?? "", outcome: "approve" },
    );
    await decideAs(
      core,
      { id: "U0MOD2", name: "Mod Two" },
      { requestId: fine[2]?.id ?? "", outcome: "approve" },
    );
    await Requests.withdraw(core, community, leaver.applicant.userId);
    clock.advance(4 * DAY); // past pendingExpiryDays
    expect(await Requests.expire(core, noBoth)).toBe(true);
    // A member leaves: the waitlisted one is admitted.
    const { admitted } = await Capacity.leave(core, community, old[0]?.applicant.userId ?? "");
    expect(admitted).toHaveLength(1);

    const week = await Insights.read(core, community, 7);
    expect(week).toMatchObject({
      days: 7,
      requests: 6,
      approved: 3,
      waitlisted: 2,
      admitted: 1,
      denied: 1,
      deniedByModerator: 1,
      deniedByRule: 0,
      withdrawn: 1,
      expired: 1,
      decisions: 4,
      waitlistLength: 1,
      seats: { used: 3, capacity: 3 },
      topFailedRules: [
        { rule: "requireAvatar", label: "Profile photo", count: 2 },
        { rule: "requireTitle", label: "Title", count: 1 },
      ],
      moderators: [
        { id: "U0MOD1", name: "Mod One", approved: 1, denied: 1, total: 2 },
        { id: "U0MOD2", name: "Mod Two", approved: 2, denied: 0, total: 2 },
      ],
    });
    // Two decisions after 10 min (bucket ≤ 15 min), two after 60 min (bucket ≤ 60 min).
    expect(week.medianMs).toBe(15 * 60_000);
    expect(week.p90Ms).toBe(60 * 60_000);

    const month = await Insights.read(core, community, 30);
    expect(month).toMatchObject({ requests: 8, approved: 5, decisions: 6 });
    expect(month.moderators.find((m) => m.id === "U0MOD2")).toMatchObject({ approved: 4 });
    expect(month.p90Ms).toBe(DECISION_BUCKETS_MIN[4] * 60_000); // the 2-hour decisions: the ≤ 2 h bucket

    // Per ISO week: 2026-04-27 (W18) has the old two; 2026-05-11 (W20) the rest.
    const weeks = await Insights.weekly(core, community, "2026-05-17", 4);
    expect(weeks.map((w) => [w.week, w.requests, w.approved, w.denied])).toEqual([
      ["2026-W17", 0, 0, 0],
      ["2026-W18", 2, 2, 0],
      ["2026-W19", 0, 0, 0],
      ["2026-W20", 6, 3, 1],
    ]);
  });

  it("counts a request declined because a question went unanswered (onNoReply: deny), in the same transaction", async () => {
    const clock = testClock("2026-05-01T08:00:00.000Z");
    const config = configOf(slackCommunity({ interviewExpiryHours: 24, onNoReply: "deny" }));
    const core = await createTestCore(config, clock.now);
    const community = communityOf(config);
    const submitted = await Requests.submit(core, {
      community,
      submissionKey: "no-reply",
      applicant: { userId: "U0QUIET", name: "Quiet" },
      answers: { why: "I build things" },
      profile: slackProfile("U0QUIET"),
    });
    if (submitted.kind !== "recorded") throw new Error(submitted.kind);
    const origin = { platform: "slack" as const, workspace: "T0TEST", userId: "U0MOD1" };
    expect(
      await ask(core, origin, { requestId: submitted.request.id, question: "Which store?" }),
    ).toMatchObject({
      kind: "asked",
    });
    clock.advance(25 * HOUR);
    expect(await sweepTimers(core)).toMatchObject({ noReply: 1 });
    expect((await Requests.get(core, submitted.request.id))?.status).toBe("denied");
    const figures = await Insights.read(core, community, 7);
    expect(figures).toMatchObject({
      requests: 1,
      denied: 1,
      deniedNoReply: 1,
      deniedByModerator: 0,
      decisions: 0,
    });
  });
});
