import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import * as Capacity from "../../core/capacity.js";
import type { Community } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import { type JoinRequest, keys, ticketKey } from "../../core/model.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import {
  communityOf,
  configOf,
  createTestCore,
  decideAs,
  slackCommunity,
  slackProfile,
  testClock,
} from "../support/core.js";

const MOD = { kind: "user" as const, id: "U0MOD1", name: "Mod One" };
const MOD2 = { kind: "user" as const, id: "U0MOD2", name: "Mod Two" };

async function apply(
  core: Core,
  community: Community,
  userId: string,
  key = `view-${userId}`,
  profile = slackProfile(userId),
) {
  return Requests.submit(core, {
    community,
    submissionKey: key,
    applicant: { userId, name: `Name ${userId}` },
    answers: { why: "I build things" },
    note: "hello",
    profile,
  });
}

async function recorded(core: Core, community: Community, userId: string): Promise<JoinRequest> {
  const outcome = await apply(core, community, userId);
  if (outcome.kind !== "recorded") throw new Error(`expected recorded, got ${JSON.stringify(outcome)}`);
  return outcome.request;
}

async function effectNames(core: Core, requestId: string): Promise<string[]> {
  return (await Outbox.entriesOf(core, requestId)).map((e) => e.name).sort();
}

describe("submitting a request", () => {
  it("records a pending request with its evaluation, an outbox entry for the card and an audit entry", async () => {
    const config = configOf(slackCommunity({ rules: { requireAvatar: true, minProfileScore: 50 } }));
    const core = await createTestCore(config);
    const request = await recorded(core, communityOf(config), "U1");
    expect(request).toMatchObject({
      status: "pending",
      communityId: "makers",
      applicant: { userId: "U1", name: "Name U1" },
      answers: [{ id: "why", label: "Why do you want to join?", value: "I build things" }],
      note: "hello",
      evaluation: { passed: true, score: 100 },
    });
    expect(await Requests.get(core, request.id)).toEqual(request);
    expect(await effectNames(core, request.id)).toEqual(["card.post"]);
    expect((await Requests.auditTrail(core, request.id)).map((a) => a.action)).toEqual(["submitted"]);
  });

  it("refuses invalid answers without recording anything", async () => {
    const config = configOf(
      slackCommunity({
        questions: [
          { id: "why", label: "Why?", maxLength: 10 },
          { id: "opt", label: "Optional", required: false, minLength: 5 },
        ],
        note: { required: true, maxLength: 5 },
      }),
    );
    const core = await createTestCore(config);
    const outcome = await Requests.submit(core, {
      community: communityOf(config),
      submissionKey: "v1",
      applicant: { userId: "U1", name: "U1" },
      answers: { why: "x".repeat(11), opt: "abc" },
      note: "   ",
      profile: slackProfile("U1"),
    });
    expect(outcome).toEqual({
      kind: "invalid",
      errors: [
        { field: "why", message: "Please keep it under 10 characters." },
        { field: "opt", message: "Please write at least 5 characters." },
        { field: "note", message: "A note is required." },
      ],
    });
    expect(await Requests.standing(core, "makers", "U1")).toEqual({});
  });

  it("records a retried submission once", async () => {
    const config = configOf(slackCommunity());
    const core = await createTestCore(config);
    const community = communityOf(config);
    // Several rounds: the interleavings differ from one to the next.
    for (let round = 0; round < 5; round++) {
      const user = `U${round}`;
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => apply(core, community, user, `view-${round}`)),
      );
      const ids = new Set(outcomes.map((o) => (o.kind === "recorded" ? o.request.id : o.kind)));
      expect(ids.size).toBe(1);
      expect(outcomes.filter((o) => o.kind === "recorded" && !o.replay)).toHaveLength(1);
      const [first] = outcomes;
      if (first?.kind !== "recorded") throw new Error("not recorded");
      expect(await effectNames(core, first.request.id)).toEqual(["card.post"]);
    }
  });

  it("allows one open request per applicant and community, even when submitted concurrently", async () => {
    const config = configOf(slackCommunity());
    const core = await createTestCore(config);
    const community = communityOf(config);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => apply(core, community, "U1", `view-${i}`)),
    );
    expect(outcomes.filter((o) => o.kind === "recorded")).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "refused" && o.refusal.reason === "pending")).toHaveLength(7);
    expect(await Requests.precheck(core, community, "U1")).toMatchObject({ reason: "pending" });
  });

  it("declines at once with reasons when rules fail and onRuleFailure is deny", async () => {
    const config = configOf(slackCommunity({ rules: { requireAvatar: true }, onRuleFailure: "deny" }));
    const core = await createTestCore(config);
    const outcome = await apply(
      core,
      communityOf(config),
      "U1",
      "v",
      slackProfile("U1", { hasAvatar: false }),
    );
    expect(outcome).toMatchObject({
      kind: "recorded",
      request: {
        status: "denied",
        decision: { outcome: "denied", by: { kind: "system" }, reason: "Profile photo: no profile photo" },
      },
    });
    // An automatic rule decline starts no cooldown: fix the profile and apply again.
    expect(await Requests.precheck(core, communityOf(config), "U1")).toBeUndefined();
    expect(await apply(core, communityOf(config), "U1", "v2")).toMatchObject({
      kind: "recorded",
      request: { status: "pending" },
    });
  });

  it("flags failed rules for review when onRuleFailure is review", async () => {
    const config = configOf(slackCommunity({ rules: { requireAvatar: true } }));
    const core = await createTestCore(config);
    const outcome = await apply(
      core,
      communityOf(config),
      "U1",
      "v",
      slackProfile("U1", { hasAvatar: false }),
    );
    expect(outcome).toMatchObject({
      kind: "recorded",
      request: { status: "pending", evaluation: { passed: false } },
    });
  });

  it("auto-approves when every rule passes and a seat is free, and waitlists once full", async () => {
    const config = configOf(
      slackCommunity({ autoApprove: true, capacity: 1, rules: { requireAvatar: true } }),
    );
    const core = await createTestCore(config);
    const community = communityOf(config);
    const first = await recorded(core, community, "U1");
    expect(first.status).toBe("approved");
    expect(await effectNames(core, first.id)).toEqual(["card.post", "grant", "notice.approved"]);
    const second = await recorded(core, community, "U2");
    expect(second.status).toBe("waitlisted");
    expect(await effectNames(core, second.id)).toEqual(["card.post", "notice.waitlisted"]);
    const third = await apply(core, community, "U3", "v3", slackProfile("U3", { hasAvatar: false }));
    expect(third).toMatchObject({ kind: "recorded", request: { status: "pending" } });
    expect(await Capacity.seats(core, community)).toEqual({ used: 1, capacity: 1 });
    expect(await Requests.precheck(core, community, "U1")).toMatchObject({ reason: "member" });
    expect(await apply(core, community, "U2", "again")).toMatchObject({
      kind: "refused",
      refusal: { reason: "waitlisted" },
    });
  });

  it("declines new requests while full when whenFull is deny", async () => {
    const config = configOf(slackCommunity({ autoApprove: true, capacity: 1, whenFull: "deny" }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    await recorded(core, community, "U1");
    expect(await Requests.precheck(core, community, "U2")).toEqual({ reason: "full" });
    const late = await recorded(core, community, "U2");
    expect(late).toMatchObject({ status: "denied", decision: { reason: "The community is full." } });
  });

  it("refuses blocked applicants, from the config and from the table", async () => {
    const config = configOf(slackCommunity({ blocklist: ["U0BAD"] }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    expect(await apply(core, community, "U0BAD")).toEqual({
      kind: "refused",
      refusal: { reason: "blocked" },
    });
    await Requests.setBlocked(core, community, "U2", true);
    expect(await apply(core, community, "U2")).toEqual({ kind: "refused", refusal: { reason: "blocked" } });
    await Requests.setBlocked(core, community, "U2", false);
    expect(await apply(core, community, "U2")).toMatchObject({ kind: "recorded" });
  });
});

describe("deciding", () => {
  it("approves: seat, membership, grant, notice, card update and an audit entry", async () => {
    const config = configOf(slackCommunity({ capacity: 5 }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    const request = await recorded(core, community, "U1");
    const outcome = await decideAs(core, MOD, {
      requestId: request.id,
      outcome: "approve",
    });
    expect(outcome).toMatchObject({
      kind: "decided",
      request: { status: "approved", decision: { outcome: "approved", by: MOD } },
    });
    expect(await effectNames(core, request.id)).toEqual([
      "card.post",
      "card.update#approved",
      "grant",
      "notice.approved",
    ]);
    expect(await Capacity.seats(core, community)).toEqual({ used: 1, capacity: 5 });
    expect(await Requests.standing(core, "makers", "U1")).toMatchObject({ memberSince: expect.any(String) });
    expect((await Requests.auditTrail(core, request.id)).map((a) => [a.action, a.actor.id])).toEqual([
      ["submitted", "U1"],
      ["approved", "U0MOD1"],
    ]);
  });

  it("denies with a reason and starts the cooldown; re-applying is refused until it ends", async () => {
    const clock = testClock();
    const config = configOf(slackCommunity({ cooldownDays: 10 }));
    const core = await createTestCore(config, clock.now);
    const community = communityOf(config);
    const request = await recorded(core, community, "U1");
    const outcome = await decideAs(core, MOD, {
      requestId: request.id,
      outcome: "deny",
      reason: " Not a fit ",
    });
    expect(outcome).toMatchObject({
      kind: "decided",
      request: { status: "denied", decision: { reason: "Not a fit" } },
    });
    expect(await effectNames(core, request.id)).toEqual(["card.post", "card.update#denied", "notice.denied"]);
    expect(await apply(core, community, "U1", "again")).toEqual({
      kind: "refused",
      refusal: { reason: "cooldown", until: "2026-06-11T12:00:00.000Z" },
    });
    clock.set("2026-06-11T12:00:00.001Z");
    expect(await apply(core, community, "U1", "later")).toMatchObject({
      kind: "recorded",
      request: { status: "pending" },
    });
  });

  it("refuses non-moderators and changes nothing", async () => {
    const config = configOf(slackCommunity());
    const core = await createTestCore(config);
    const request = await recorded(core, communityOf(config), "U1");
    const outcome = await decideAs(
      core,
      { kind: "user", id: "U1" },
      {
        requestId: request.id,
        outcome: "approve",
      },
    );
    expect(outcome).toEqual({ kind: "forbidden" });
    expect((await Requests.get(core, request.id))?.status).toBe("pending");
    expect(await decideAs(core, MOD, { requestId: "rnope", outcome: "approve" })).toEqual({
      kind: "not-found",
    });
  });

  it("refuses illegal transitions: a decided, withdrawn or expired request cannot be decided again", async () => {
    const config = configOf(slackCommunity({ cooldownDays: 0 }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    const denied = await recorded(core, community, "U1");
    await decideAs(core, MOD, { requestId: denied.id, outcome: "deny" });
    expect(await decideAs(core, MOD2, { requestId: denied.id, outcome: "approve" })).toMatchObject({
      kind: "already",
      request: { status: "denied", decision: { by: MOD } },
    });
    const withdrawn = await recorded(core, community, "U2");
    expect(await Requests.withdraw(core, community, "U2")).toMatchObject({
      kind: "withdrawn",
      request: { status: "withdrawn" },
    });
    expect(await Requests.withdraw(core, community, "U2")).toEqual({ kind: "nothing" });
    expect(await decideAs(core, MOD, { requestId: withdrawn.id, outcome: "approve" })).toMatchObject({
      kind: "already",
      request: { status: "withdrawn" },
    });
    const expired = await recorded(core, community, "U3");
    expect(await Requests.expire(core, expired)).toBe(true);
    expect(await Requests.expire(core, expired)).toBe(false);
    expect(await decideAs(core, MOD, { requestId: expired.id, outcome: "deny" })).toMatchObject({
      kind: "already",
      request: { status: "expired" },
    });
    // Each ended request freed the applicant to apply again.
    for (const user of ["U1", "U2", "U3"])
      expect(await Requests.precheck(core, community, user)).toBeUndefined();
  });

  it("lets exactly one of 50 concurrent decisions win, with one audit entry and one set of effects", async () => {
    const config = configOf(slackCommunity());
    const core = await createTestCore(config);
    const request = await recorded(core, communityOf(config), "U1");
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        decideAs(core, i % 2 ? MOD : MOD2, {
          requestId: request.id,
          outcome: i % 3 ? "approve" : "deny",
          reason: `reason ${i}`,
        }),
      ),
    );
    const winners = outcomes.filter((o) => o.kind === "decided");
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "already")).toHaveLength(49);
    const final = await Requests.get(core, request.id);
    const decision = (await Requests.auditTrail(core, request.id)).filter((a) => a.action !== "submitted");
    expect(decision).toHaveLength(1);
    expect(decision[0]?.to).toBe(final?.status);
    const names = await effectNames(core, request.id);
    expect(names.filter((n) => n.startsWith("notice."))).toHaveLength(1);
    expect(names.filter((n) => n === "grant")).toHaveLength(final?.status === "approved" ? 1 : 0);
  });

  it("admits 10 of 100 concurrent approvals into capacity 10 and waitlists 90 in order", async () => {
    const config = configOf(slackCommunity({ capacity: 10, moderators: { users: ["U0MOD1"] } }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    const requests = await Promise.all(
      Array.from({ length: 100 }, (_, i) => recorded(core, community, `U${100 + i}`)),
    );
    const outcomes = await Promise.all(
      requests.map((r) => decideAs(core, MOD, { requestId: r.id, outcome: "approve" })),
    );
    expect(outcomes.every((o) => o.kind === "decided")).toBe(true);
    const after = await Promise.all(requests.map((r) => Requests.get(core, r.id)));
    expect(after.filter((r) => r?.status === "approved")).toHaveLength(10);
    const waitlisted = after.filter((r): r is JoinRequest => r?.status === "waitlisted");
    expect(waitlisted).toHaveLength(90);
    expect(await Capacity.seats(core, community)).toEqual({ used: 10, capacity: 10 });

    // Positions are 1..90, unique, in ticket (decision) order.
    const positions = await Promise.all(waitlisted.map((r) => Capacity.waitlistPosition(core, r)));
    const byTicket = waitlisted
      .map((r, i) => ({ ticket: r.waitlist?.ticket ?? 0, position: positions[i] }))
      .sort((a, b) => a.ticket - b.ticket);
    expect(byTicket.map((x) => x.position)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    expect((await Capacity.waitlist(core, community)).map((r) => r.id)).toEqual(
      [...waitlisted].sort((a, b) => (a.waitlist?.ticket ?? 0) - (b.waitlist?.ticket ?? 0)).map((r) => r.id),
    );
  });

  it("waitlists an approval when full and refuses it when whenFull is deny", async () => {
    const config = configOf(
      slackCommunity({ id: "wl", capacity: 1 }),
      slackCommunity({ id: "nowl", capacity: 1, whenFull: "deny" }),
    );
    const core = await createTestCore(config);
    for (const community of config.communities) {
      const a = await recorded(core, community, "U1");
      const b = await recorded(core, community, "U2");
      await decideAs(core, MOD, { requestId: a.id, outcome: "approve" });
      const second = await decideAs(core, MOD, { requestId: b.id, outcome: "approve" });
      if (community.whenFull === "waitlist") {
        expect(second).toMatchObject({ kind: "decided", request: { status: "waitlisted" } });
        expect(await effectNames(core, b.id)).toEqual([
          "card.post",
          "card.update#waitlisted",
          "notice.waitlisted",
        ]);
      } else {
        expect(second).toMatchObject({ kind: "full", request: { status: "pending" } });
      }
    }
  });
});

describe("seats and the waitlist", () => {
  it("admits from the waitlist in order when seats free up, never beyond capacity", async () => {
    const config = configOf(slackCommunity({ capacity: 2 }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    const requests: JoinRequest[] = [];
    for (const user of ["U1", "U2", "U3", "U4", "U5"]) {
      const r = await recorded(core, community, user);
      await decideAs(core, MOD, { requestId: r.id, outcome: "approve" });
      requests.push(r);
    }
    expect(await Capacity.promote(core, community)).toEqual([]);
    // U3 withdraws from the waitlist; U1 leaves: one seat, and U4 (next in line) gets it.
    await Requests.withdraw(core, community, "U3");
    const concurrentLeaves = await Promise.all([
      Capacity.leave(core, community, "U1"),
      Capacity.leave(core, community, "U1"),
    ]);
    expect(concurrentLeaves.filter((l) => l.left)).toHaveLength(1);
    const status = async (i: number) => (await Requests.get(core, requests[i]?.id ?? ""))?.status;
    expect([await status(0), await status(1), await status(2), await status(3), await status(4)]).toEqual([
      "approved",
      "approved",
      "withdrawn",
      "approved",
      "waitlisted",
    ]);
    expect(await Capacity.seats(core, community)).toEqual({ used: 2, capacity: 2 });
    expect(await effectNames(core, requests[3]?.id ?? "")).toContain("notice.admitted");
    const u5 = await Requests.get(core, requests[4]?.id ?? "");
    expect(u5 && (await Capacity.waitlistPosition(core, u5))).toBe(1);
    // Concurrent promotions never over-allocate.
    await Promise.all([Capacity.promote(core, community), Capacity.promote(core, community)]);
    expect(await Capacity.seats(core, community)).toEqual({ used: 2, capacity: 2 });
  });

  it("counts waitlist positions beyond one query page (DynamoDB stops a query at 1 MB)", async () => {
    const config = configOf(slackCommunity({ capacity: 0 }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    // 60 waitlisted entries of 20 KB each: 1.2 MB of index to count through.
    const padding = "x".repeat(20_000);
    for (let i = 1; i <= 60; i++) {
      const ticket = await Capacity.nextTicket(core, community);
      await core.store.doc.send(
        new PutCommand({
          TableName: core.store.table,
          Item: {
            ...keys.request(`rfill${i}`),
            padding,
            gsi1pk: keys.waitlist(community.id),
            gsi1sk: ticketKey(ticket),
          },
        }),
      );
    }
    const last = await recorded(core, community, "U61");
    await decideAs(core, MOD, { requestId: last.id, outcome: "approve" });
    const waitlisted = await Requests.get(core, last.id);
    expect(waitlisted?.status).toBe("waitlisted");
    expect(waitlisted && (await Capacity.waitlistPosition(core, waitlisted))).toBe(61);
  });

  it("lists an applicant's requests with waitlist positions", async () => {
    const config = configOf(slackCommunity({ id: "aa", capacity: 0 }), slackCommunity({ id: "bb" }));
    const core = await createTestCore(config);
    const [a, b] = config.communities;
    if (!a || !b) throw new Error("config");
    const ra = await recorded(core, a, "U1");
    await decideAs(core, MOD, { requestId: ra.id, outcome: "approve" });
    await recorded(core, b, "U1");
    const list = await Requests.listForApplicant(core, "slack", "T0TEST", "U1");
    expect(list.map((l) => [l.request.communityId, l.request.status, l.waitlistPosition]).sort()).toEqual([
      ["aa", "waitlisted", 1],
      ["bb", "pending", undefined],
    ]);
    expect(await Requests.listForApplicant(core, "slack", "T0OTHER", "U1")).toEqual([]);
  });

  it("spreads admissions over seat counters instead of writing one item per community", async () => {
    const config = configOf(slackCommunity({ autoApprove: true, capacity: 1000 }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    const admitted = await Promise.all(
      Array.from({ length: 32 }, (_, i) => recorded(core, community, `U${i}`)),
    );
    expect(admitted.every((r) => r.status === "approved")).toBe(true);
    const { Items } = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :seats)",
        ExpressionAttributeValues: { ":pk": keys.meta("makers").pk, ":seats": "SEATS#" },
      }),
    );
    const counters = (Items ?? []).map((i) => Number(i.used));
    expect(counters.reduce((a, b) => a + b, 0)).toBe(32);
    // 32 takers on 16 counters: all on one would mean the counters are not spread (odds 16^-31).
    expect(counters.length).toBeGreaterThan(1);
    const { Item } = await core.store.doc.send(
      new GetCommand({ TableName: core.store.table, Key: keys.meta("makers"), ConsistentRead: true }),
    );
    expect(Item?.seatsUsed).toBeUndefined();
    expect(await Capacity.seats(core, community)).toEqual({ used: 32, capacity: 1000 });
  });

  it("still counts seats counted on the community's META item, gives those back first, never exceeds capacity", async () => {
    const config = configOf(slackCommunity({ capacity: 5, moderators: { users: ["U0MOD1"] } }));
    const core = await createTestCore(config);
    const community = communityOf(config);
    // Three members admitted when seats were counted on META: approved for real, then their
    // seats moved from the counters onto META, as a table written before the counters holds them.
    for (const user of ["U1", "U2", "U3"]) {
      const r = await recorded(core, community, user);
      expect(await decideAs(core, MOD, { requestId: r.id, outcome: "approve" })).toMatchObject({
        kind: "decided",
      });
    }
    const { Items: counters } = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :seats)",
        ExpressionAttributeValues: { ":pk": keys.meta(community.id).pk, ":seats": "SEATS#" },
      }),
    );
    for (const c of counters ?? []) {
      await core.store.doc.send(
        new DeleteCommand({ TableName: core.store.table, Key: { pk: c.pk, sk: c.sk } }),
      );
    }
    await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.meta(community.id),
        UpdateExpression: "SET seatsUsed = :three",
        ExpressionAttributeValues: { ":three": 3 },
      }),
    );
    expect(await Capacity.seats(core, community)).toEqual({ used: 3, capacity: 5 });

    const late = await Promise.all(["U4", "U5", "U6", "U7"].map((u) => recorded(core, community, u)));
    const outcomes = await Promise.all(
      late.map((r) => decideAs(core, MOD, { requestId: r.id, outcome: "approve" })),
    );
    const statuses = outcomes.map((o) => (o.kind === "decided" ? o.request.status : o.kind)).sort();
    expect(statuses).toEqual(["approved", "approved", "waitlisted", "waitlisted"]);
    expect(await Capacity.seats(core, community)).toEqual({ used: 5, capacity: 5 });

    // A META-era member leaves: META gives the seat back, and the head of the waitlist takes it.
    const left = await Capacity.leave(core, community, "U1");
    expect(left.left).toBe(true);
    expect(left.admitted).toHaveLength(1);
    const { Item } = await core.store.doc.send(
      new GetCommand({ TableName: core.store.table, Key: keys.meta(community.id), ConsistentRead: true }),
    );
    expect(Item?.seatsUsed).toBe(2);
    expect(await Capacity.seats(core, community)).toEqual({ used: 5, capacity: 5 });
  });
});
