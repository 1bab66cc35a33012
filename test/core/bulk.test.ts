import { describe, expect, it } from "vitest";
import * as Capacity from "../../core/capacity.js";
import type { Community } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import { RetryableEffectError } from "../../core/effects.js";
import type { JoinRequest } from "../../core/model.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { bulkDecide, getTask, plan, requestBulk, runTask } from "../../core/usecases/bulk.js";
import { type Origin, operatorOrigin } from "../../core/usecases/origin.js";
import {
  communityOf,
  configOf,
  createTestCore,
  decideAs,
  slackCommunity,
  slackProfile,
  testClock,
} from "../support/core.js";
import { recordingEffects } from "../support/recording-effects.js";

const MOD1: Origin = { platform: "slack", workspace: "T0TEST", userId: "U0MOD1", name: "Mod One" };

async function seed(core: Core, community: Community, n: number, clock: ReturnType<typeof testClock>) {
  const requests: JoinRequest[] = [];
  for (let i = 0; i < n; i++) {
    const userId = `U${String(i).padStart(3, "0")}`;
    const outcome = await Requests.submit(core, {
      community,
      submissionKey: `view-${userId}`,
      applicant: { userId, name: `Applicant ${i}` },
      answers: { why: "I build things" },
      profile: slackProfile(userId, i % 3 === 2 ? { hasAvatar: false } : {}),
    });
    if (outcome.kind !== "recorded") throw new Error(`not recorded: ${JSON.stringify(outcome)}`);
    requests.push(outcome.request);
    clock.advance(60_000); // one a minute: queue order is submission order
  }
  return requests;
}

describe("bulk decisions", () => {
  it("approves 30 into 10 free seats in queue order (20 waitlisted in order), racing single clicks, with one decision and one notice each", async () => {
    const clock = testClock();
    const config = configOf(slackCommunity({ capacity: 10 }));
    const core = await createTestCore(config, clock.now);
    const community = communityOf(config);
    const requests = await seed(core, community, 30, clock);
    const ids = requests.map((r) => r.id);

    // The bulk and single clicks by two moderators on the five oldest cards, all at once.
    const [bulk, ...singles] = await Promise.all([
      bulkDecide(core, MOD1, community.id, { kind: "approve", requestIds: [...ids].reverse() }),
      ...ids
        .slice(0, 5)
        .map((requestId) => decideAs(core, { id: "U0MOD2" }, { requestId, outcome: "approve" })),
      ...ids
        .slice(0, 5)
        .map((requestId) => decideAs(core, { id: "U0MOD1" }, { requestId, outcome: "approve" })),
    ]);
    if (bulk.kind !== "done") throw new Error(`bulk: ${bulk.kind}`);
    const singleWins = singles.filter((s) => s.kind === "decided").length;
    expect(singleWins).toBeLessThanOrEqual(5);
    expect(bulk.report).toMatchObject({ asked: 30, full: 0, skipped: 0, denied: 0 });
    expect(bulk.report.approved + bulk.report.waitlisted + bulk.report.already).toBe(30);
    expect(bulk.report.already).toBe(singleWins);

    const after = await Promise.all(ids.map((id) => Requests.get(core, id)));
    expect(after.slice(0, 10).map((r) => r?.status)).toEqual(new Array(10).fill("approved"));
    expect(after.slice(10).map((r) => r?.status)).toEqual(new Array(20).fill("waitlisted"));
    expect((await Capacity.seats(core, community)).used).toBe(10);
    // The waitlist is in queue order.
    const positions = await Promise.all(
      after.slice(10).map((r) => Capacity.waitlistPosition(core, r as JoinRequest)),
    );
    expect(positions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    // One decision each, in the audit trail, whoever won.
    for (const id of ids) {
      const decisions = (await Requests.auditTrail(core, id)).filter((a) => a.from === "pending");
      expect(decisions).toHaveLength(1);
    }
    // One notice each, once the outbox has run (twice: a second pass sends nothing).
    const recorder = recordingEffects();
    const later = () => new Date(clock.now().getTime() + 600_000);
    await Outbox.redriveDue({ ...core, now: later, outboxNow: later }, { slack: recorder.effects });
    await Outbox.redriveDue({ ...core, now: later, outboxNow: later }, { slack: recorder.effects });
    const notices = recorder.calls.filter((c) => c.kind === "notify");
    expect(notices.map((n) => n.requestId).sort()).toEqual([...ids].sort());
    expect(notices.filter((n) => n.notice === "approved")).toHaveLength(10);
    expect(notices.filter((n) => n.notice === "waitlisted")).toHaveLength(20);
  });

  it("is safe to run twice: the second run decides nothing and says so", async () => {
    const clock = testClock();
    const config = configOf(slackCommunity({ rules: { requireAvatar: true } }));
    const core = await createTestCore(config, clock.now);
    const community = communityOf(config);
    const requests = await seed(core, community, 9, clock);

    const first = await bulkDecide(core, MOD1, community.id, { kind: "approve-passing" });
    const again = await bulkDecide(core, MOD1, community.id, { kind: "approve-passing" });
    expect(first).toMatchObject({ kind: "done", report: { asked: 6, approved: 6, already: 0 } });
    expect(again).toMatchObject({ kind: "done", report: { asked: 0, approved: 0 } });
    // The flagged ones (no photo) are left for a moderator's look.
    const statuses = await Promise.all(requests.map(async (r) => (await Requests.get(core, r.id))?.status));
    expect(statuses).toEqual(requests.map((_, i) => (i % 3 === 2 ? "pending" : "approved")));

    // Deny selected twice: the second finds them decided.
    const flagged = requests.filter((_, i) => i % 3 === 2).map((r) => r.id);
    const denied = await bulkDecide(core, MOD1, community.id, { kind: "deny", requestIds: flagged });
    const deniedAgain = await bulkDecide(core, MOD1, community.id, { kind: "deny", requestIds: flagged });
    expect(denied).toMatchObject({ report: { denied: 3, already: 0 } });
    expect(deniedAgain).toMatchObject({ report: { denied: 0, already: 3 } });
    // Without a reason, each denial carries the request's failed rules, as the reason form pre-fills them.
    const one = await Requests.get(core, flagged[0] ?? "");
    expect(one?.decision).toMatchObject({ outcome: "denied", by: { kind: "user", id: "U0MOD1" } });
    expect(one?.decision?.reason).toMatch(/photo/i);
  });

  it("keeps a recorded bulk decision's progress when its delivery runs out of time, and reports every request once", async () => {
    const clock = testClock();
    const config = configOf(slackCommunity({ capacity: 2 }));
    const core = await createTestCore(config, clock.now);
    const community = communityOf(config);
    const requests = await seed(core, community, 4, clock);
    const started = await requestBulk(core, MOD1, {
      communityId: community.id,
      action: { kind: "approve", requestIds: requests.map((r) => r.id) },
      key: "click-1",
      reply: { kind: "none" },
    });
    if (started.kind !== "started") throw new Error(started.kind);
    // Each delivery's time is up at once: one decision each, then the task pauses ("out-of-time",
    // which the outbox neither counts as a failure nor waits for).
    for (let next = 1; next <= 3; next++) {
      const paused = await runTask(core, started.taskId, { deadline: Date.now() }).catch((e: unknown) => e);
      expect(paused).toBeInstanceOf(RetryableEffectError);
      expect((paused as RetryableEffectError).reason).toBe("out-of-time");
      expect((await getTask(core, started.taskId))?.progress?.next).toBe(next);
    }
    const done = await runTask(core, started.taskId);
    // Without the progress, the requests decided by the earlier deliveries would count as "already decided".
    expect(done?.report).toMatchObject({ asked: 4, approved: 2, waitlisted: 2, already: 0 });
    const statuses = await Promise.all(requests.map(async (r) => (await Requests.get(core, r.id))?.status));
    expect(statuses).toEqual(["approved", "approved", "waitlisted", "waitlisted"]);
    // Run again (a delivery whose report was lost): the same report, nothing decided twice.
    expect((await runTask(core, started.taskId))?.report).toEqual(done?.report);
  });

  it("refuses non-moderators, and skips requests of another community", async () => {
    const clock = testClock();
    const config = configOf(
      slackCommunity(),
      slackCommunity({ id: "other", name: "Other", moderators: { users: ["U0MOD9"] } }),
    );
    const core = await createTestCore(config, clock.now);
    const [mine] = await seed(core, communityOf(config, 0), 1, clock);
    const stranger: Origin = { ...MOD1, userId: "U0NOBODY" };
    expect(await plan(core, stranger, "makers", { kind: "approve-passing" })).toEqual({ kind: "forbidden" });
    expect(await bulkDecide(core, MOD1, "other", { kind: "approve-passing" })).toEqual({ kind: "forbidden" });
    const outcome = await bulkDecide(core, MOD1, "makers", {
      kind: "approve",
      requestIds: [mine?.id ?? "", "r00000000000000000000"],
    });
    expect(outcome).toMatchObject({ kind: "done", report: { asked: 2, approved: 1, skipped: 1 } });
  });

  it("lets an operator (the CLI) decide, recorded as an operator", async () => {
    const clock = testClock();
    const config = configOf(slackCommunity());
    const core = await createTestCore(config, clock.now);
    const community = communityOf(config);
    const [r] = await seed(core, community, 1, clock);
    const outcome = await bulkDecide(core, operatorOrigin(community, "alice"), community.id, {
      kind: "deny",
      requestIds: [r?.id ?? ""],
      reason: "Spam",
    });
    expect(outcome).toMatchObject({ kind: "done", report: { denied: 1 } });
    expect((await Requests.get(core, r?.id ?? ""))?.decision).toMatchObject({
      outcome: "denied",
      reason: "Spam",
      by: { kind: "operator", id: "operator:alice", name: "alice (operator)" },
    });
    // A look-alike origin without the mark is just a stranger.
    const fake: Origin = { ...operatorOrigin(community, "mallory") };
    expect(Object.getOwnPropertySymbols(fake)).toHaveLength(1);
    const copied: Origin = JSON.parse(JSON.stringify(fake));
    expect(await plan(core, copied, community.id, { kind: "approve-passing" })).toEqual({
      kind: "forbidden",
    });
  });
});
