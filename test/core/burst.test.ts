import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import * as Capacity from "../../core/capacity.js";
import type { Community } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import { type JoinRequest, keys } from "../../core/model.js";
import * as Requests from "../../core/requests.js";
import { submit } from "../../core/usecases/submit.js";
import { communityOf, configOf, createTestCore, slackCommunity, slackProfile } from "../support/core.js";

/**
 * A burst in small: many applicants submit at once into one community, through the submit use
 * case (what the Slack and Discord handlers call) and the real store. Every applicant is recorded
 * once, the seats and the waitlist come out exact, and the store sees no storm of retried
 * transactions or repeated reads: each submission costs a bounded number of DynamoDB calls
 * (issue 13's burst: the answer waits for every one of them, and DynamoDB Local serves them one
 * at a time).
 */

interface Calls {
  byCommand: Record<string, number>;
  failed: Record<string, number>;
  total: number;
}

/** Counts every DynamoDB call the core makes (and each failed one, by error and reason). */
function countCalls(core: Core): Calls {
  const calls: Calls = { byCommand: {}, failed: {}, total: 0 };
  core.store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? "?").replace(/Command$/, "");
      calls.byCommand[name] = (calls.byCommand[name] ?? 0) + 1;
      calls.total++;
      try {
        return await next(args);
      } catch (error) {
        const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
        const reasons = (e.CancellationReasons ?? [])
          .map((r) => r.Code ?? "None")
          .filter((c) => c !== "None");
        const key = `${name} ${e.name ?? "?"}${reasons.length ? ` (${[...new Set(reasons)].join(",")})` : ""}`;
        calls.failed[key] = (calls.failed[key] ?? 0) + 1;
        throw error;
      }
    },
    { step: "initialize", name: "burstTestCounter" },
  );
  return calls;
}

async function burst(core: Core, community: Community, n: number, prefix: string) {
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const userId = `U${prefix}${String(i).padStart(3, "0")}`;
      return submit(
        core,
        { platform: "slack", workspace: community.workspace, userId },
        {
          communityId: community.id,
          submissionKey: `V${prefix}${i}`,
          answers: { why: "I build things" },
          profile: slackProfile(userId),
        },
      );
    }),
  );
  return { outcomes, ms: performance.now() - started };
}

const recordedOf = (outcomes: Awaited<ReturnType<typeof submit>>[]) =>
  outcomes.map((o) => {
    if (o.kind !== "recorded") throw new Error(`expected recorded, got ${o.kind}`);
    return o;
  });

describe("a burst of submissions into one community", () => {
  it("auto-approves exactly the capacity, waitlists the rest in order, with one transaction per submission", async () => {
    const CAPACITY = 30;
    const N = 60;
    const config = configOf(
      slackCommunity({ autoApprove: true, capacity: CAPACITY, whenFull: "waitlist", rules: {} }),
    );
    const core = await createTestCore(config);
    const community = communityOf(config);
    const calls = countCalls(core);

    const { outcomes, ms } = await burst(core, community, N, "AUTO");
    const during = structuredClone(calls);
    const recorded = recordedOf(outcomes);
    const statuses = recorded.map((o) => o.request.status);
    expect(statuses.filter((s) => s === "approved")).toHaveLength(CAPACITY);
    expect(statuses.filter((s) => s === "waitlisted")).toHaveLength(N - CAPACITY);
    expect(new Set(recorded.map((o) => o.request.id)).size).toBe(N);
    expect((await Capacity.seats(core, community)).used).toBe(CAPACITY);
    // Every waitlisted applicant was told a distinct position, 1..N-capacity, in ticket order.
    const waitlisted = recorded
      .filter((o) => o.request.status === "waitlisted")
      .sort((a, b) => (a.request.waitlist?.ticket ?? 0) - (b.request.waitlist?.ticket ?? 0));
    const stored = await Promise.all(waitlisted.map((o) => Requests.get(core, o.request.id)));
    const positions = await Promise.all(stored.map((r) => Capacity.waitlistPosition(core, r as JoinRequest)));
    expect(positions).toEqual(Array.from({ length: N - CAPACITY }, (_, i) => i + 1));
    const report = `${N} submissions in ${Math.round(ms)} ms: ${during.total} calls ${JSON.stringify(during.byCommand)}, failed ${JSON.stringify(during.failed)}`;
    console.log(report);
    // No retry storm: one transaction per submission, none cancelled (within one process).
    expect(during.failed, report).toEqual({});
    expect(during.byCommand.TransactWriteItems, report).toBe(N);
    // One round of reads (standing, the applicant's history, the seats) and the transaction; the
    // waitlisted also a ticket, their position, and one more look at the seats once the takes on
    // their way settled. (Before: a replay read, and every read again after each cancelled
    // transaction.)
    expect(during.total, report).toBeLessThanOrEqual(N * 4 + (N - CAPACITY) * 3);
    // Generous: the store serves these one at a time on a shared machine.
    expect(ms).toBeLessThan(60_000);
  });

  it("records a reviewed community's burst with one transaction and two reads per submission", async () => {
    const N = 60;
    const config = configOf(slackCommunity({ rules: {} }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    const calls = countCalls(core);

    const { outcomes, ms } = await burst(core, community, N, "REVIEW");
    const recorded = recordedOf(outcomes);
    const during = structuredClone(calls);
    expect(recorded.every((o) => o.request.status === "pending" && !o.replay)).toBe(true);
    expect(new Set(recorded.map((o) => o.request.id)).size).toBe(N);
    const report = `${N} submissions in ${Math.round(ms)} ms: ${during.total} calls ${JSON.stringify(during.byCommand)}, failed ${JSON.stringify(during.failed)}`;
    console.log(report);
    expect(during.failed, report).toEqual({});
    expect(during.byCommand.TransactWriteItems, report).toBe(N);
    // The standing and the applicant's history, read together; no seats where they decide nothing.
    expect(during.total, report).toBe(N * 3);
    expect(ms).toBeLessThan(60_000);
  });

  it("gives back a seat claimed by a submission that fails on the standing: the next one takes it", async () => {
    const config = configOf(
      slackCommunity({ autoApprove: true, capacity: 2, whenFull: "waitlist", rules: {} }),
    );
    const core = await createTestCore(config);
    const community = communityOf(config);
    const form = (userId: string, key: string) =>
      submit(
        core,
        { platform: "slack", workspace: community.workspace, userId },
        {
          communityId: community.id,
          submissionKey: key,
          answers: { why: "Twice" },
          profile: slackProfile(userId),
        },
      );
    // Two forms of one applicant at once (one must lose on the standing), then two more applicants.
    const outcomes = await Promise.all([
      form("UTWICE", "VT1"),
      form("UTWICE", "VT2"),
      form("UOTHER1", "VO1"),
      form("UOTHER2", "VO2"),
    ]);
    const approved = outcomes.filter((o) => o.kind === "recorded" && o.request.status === "approved");
    const waitlisted = outcomes.filter((o) => o.kind === "recorded" && o.request.status === "waitlisted");
    const twice = outcomes.slice(0, 2);
    expect(twice.filter((o) => o.kind === "recorded")).toHaveLength(1);
    expect(twice.filter((o) => o.kind === "refused")).toHaveLength(1);
    expect(approved).toHaveLength(2);
    expect(waitlisted).toHaveLength(1);
    expect((await Capacity.seats(core, community)).used).toBe(2);
  });

  it("still answers a replayed submission with the first recording, without writing again", async () => {
    const config = configOf(slackCommunity({ autoApprove: true, capacity: 2, rules: {} }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    const origin = { platform: "slack" as const, workspace: community.workspace, userId: "UREPLAY" };
    const form = {
      communityId: community.id,
      submissionKey: "VREPLAY",
      answers: { why: "I build things" },
      profile: slackProfile("UREPLAY"),
    };
    const first = await submit(core, origin, form);
    const again = await Promise.all([submit(core, origin, form), submit(core, origin, form)]);
    expect(first).toMatchObject({ kind: "recorded", replay: false, request: { status: "approved" } });
    for (const o of again)
      expect(o).toMatchObject({
        kind: "recorded",
        replay: true,
        request: { id: (first as { request: JoinRequest }).request.id },
      });
    expect((await Capacity.seats(core, community)).used).toBe(1);
    const { Item } = await core.store.doc.send(
      new (await import("@aws-sdk/lib-dynamodb")).GetCommand({
        TableName: core.store.table,
        Key: keys.applicant(community.id, "UREPLAY"),
        ConsistentRead: true,
      }),
    );
    expect(Item?.membershipRequestId).toBe((first as { request: JoinRequest }).request.id);
  });
});
