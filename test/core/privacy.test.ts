import { DeleteCommand, GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { renderCard as discordCard } from "../../bots/discord/card.js";
import { renderCard as slackCard } from "../../bots/slack/blocks/card.js";
import * as Capacity from "../../core/capacity.js";
import type { Community } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import type { EffectState } from "../../core/effects.js";
import { type JoinRequest, keys } from "../../core/model.js";
import * as Outbox from "../../core/outbox.js";
import type { Profile } from "../../core/profile.js";
import * as Requests from "../../core/requests.js";
import { sweep } from "../../core/sweep.js";
import {
  communityOf,
  configOf,
  createTestCore,
  decideAs,
  discordCommunity,
  slackCommunity,
  slackProfile,
  testClock,
} from "../support/core.js";
import { recordingEffects } from "../support/recording-effects.js";

/**
 * Retention: a closed request's personal part (answers, note, profile, the applicant's name, the
 * rule details) is kept `retentionDays` after it closes, then removed (DynamoDB TTL, and the
 * sweeper as a backstop); the record of who decided what stays. Readers of a request whose
 * personal data is gone get it without, marked, and the cards say so.
 */

const MOD = { kind: "user" as const, id: "U0MOD1", name: "Mod One" };
const DAY_MS = 86_400_000;
const SECRET_ANSWER = "my secret answer about my shop";
const SECRET_NOTE = "private note 42";

function profile(userId: string): Profile {
  return { ...slackProfile(userId), realName: `Realname ${userId}`, title: `Secret title ${userId}` };
}

async function apply(core: Core, community: Community, userId: string, key = `view-${userId}`) {
  const outcome = await Requests.submit(core, {
    community,
    submissionKey: key,
    applicant: { userId, name: `Display ${userId}` },
    answers: { why: `${SECRET_ANSWER} ${userId}` },
    note: `${SECRET_NOTE} ${userId}`,
    profile: profile(userId),
  });
  if (outcome.kind !== "recorded") throw new Error(`expected recorded, got ${outcome.kind}`);
  return outcome.request;
}

async function rawItem(core: Core, requestId: string, sk: string) {
  const { Item } = await core.store.doc.send(
    new GetCommand({
      TableName: core.store.table,
      Key: { pk: keys.request(requestId).pk, sk },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** Everything personal the applicant gave or their profile showed. */
function personalBits(userId: string): string[] {
  return [
    `${SECRET_ANSWER} ${userId}`,
    `${SECRET_NOTE} ${userId}`,
    `Display ${userId}`,
    `Realname ${userId}`,
    `Secret title ${userId}`,
  ];
}

function state(request: JoinRequest, community: Community): EffectState {
  return { request, community, seats: { used: 0, capacity: undefined }, waitlistPosition: undefined };
}

describe("keeping closed requests' personal data for retentionDays", () => {
  it("moves it out of the request when it closes, keeps it readable, then removes it and keeps the decision", async () => {
    const clock = testClock("2026-06-01T12:00:00.000Z");
    const config = configOf(slackCommunity({ retentionDays: 30, capacity: 10 }));
    const core = await createTestCore(config, clock.now);
    const community = communityOf(config);
    const { effects } = recordingEffects();
    const performers = { slack: effects };

    const denied = await apply(core, community, "U0DENY1");
    const approved = await apply(core, community, "U0APPR1");
    const withdrawn = await apply(core, community, "U0WITH1");
    const open = await apply(core, community, "U0OPEN1");
    await decideAs(core, MOD, { requestId: denied.id, outcome: "deny", reason: "Not now" });
    await decideAs(core, MOD, { requestId: approved.id, outcome: "approve" });
    await Requests.withdraw(core, community, "U0WITH1");
    const closedAt = clock.now().getTime();

    clock.advance(60_000);
    await sweep(core, performers);

    for (const [request, user] of [
      [denied, "U0DENY1"],
      [approved, "U0APPR1"],
      [withdrawn, "U0WITH1"],
    ] as const) {
      // The request item keeps the decision but none of the personal part...
      const item = JSON.stringify(await rawItem(core, request.id, "REQ"));
      for (const bit of personalBits(user)) expect(item, `${bit} in ${request.id}`).not.toContain(bit);
      // ...which lives in its own item until the TTL deletes it.
      const personal = await rawItem(core, request.id, "PERSONAL");
      expect(personal?.expiresAt).toBe(Math.floor((closedAt + 30 * DAY_MS) / 1000));
      // Within the retention period, readers still get all of it.
      const read = await Requests.get(core, request.id);
      expect(read?.answers[0]?.value).toBe(`${SECRET_ANSWER} ${user}`);
      expect(read?.note).toBe(`${SECRET_NOTE} ${user}`);
      expect(read?.profile.realName).toBe(`Realname ${user}`);
      expect(read?.applicant.name).toBe(`Display ${user}`);
    }
    // An open request is not touched.
    expect(JSON.stringify(await rawItem(core, open.id, "REQ"))).toContain(`${SECRET_ANSWER} U0OPEN1`);
    expect(await rawItem(core, open.id, "PERSONAL")).toBeUndefined();

    // After the retention period: gone, the decision and the audit stay.
    clock.set(new Date(closedAt + 30 * DAY_MS + 60_000).toISOString());
    const before = await Requests.get(core, denied.id); // expired, not yet deleted: already treated as gone
    expect(before?.answers.map((a) => a.value).join("")).toBe("");
    await sweep(core, performers);
    expect(await rawItem(core, denied.id, "PERSONAL")).toBeUndefined();
    const after = await Requests.get(core, denied.id);
    expect(after).toMatchObject({
      status: "denied",
      applicant: { userId: "U0DENY1" },
      decision: { outcome: "denied", by: { id: "U0MOD1" }, reason: "Not now" },
      privacy: { removed: "expired", retentionDays: 30 },
    });
    // (Same clock instant for both entries here, so compared unordered.)
    expect(
      (await Requests.auditTrail(core, denied.id)).map((a) => `${a.action} ${a.actor.id}`).sort(),
    ).toEqual(["denied U0MOD1", "submitted U0DENY1"]);
    const scan = await core.store.doc.send(new ScanCommand({ TableName: core.store.table }));
    const everything = JSON.stringify(scan.Items);
    for (const user of ["U0DENY1", "U0APPR1", "U0WITH1"])
      for (const bit of personalBits(user)) expect(everything).not.toContain(bit);
    // The cards are re-rendered without it, and say why.
    expect(
      (await Outbox.entriesOf(core, denied.id)).some((e) => e.name.startsWith("card.update#retention")),
    ).toBe(true);
    if (!after) throw new Error("gone");
    const slack = JSON.stringify(slackCard(state(after, community)));
    expect(slack).toContain("Personal data removed after 30 days");
    expect(slack).not.toContain(SECRET_ANSWER);
    expect(slack).not.toContain("Display U0DENY1");
    expect(slack).toContain("Denied");
    // Seats and membership are unaffected.
    expect((await Capacity.seats(core, community)).used).toBe(1);
  });

  it("treats a personal item deleted by DynamoDB's TTL as removed", async () => {
    const clock = testClock("2026-06-01T12:00:00.000Z");
    const config = configOf(discordCommunity({ retentionDays: 7 }));
    const core = await createTestCore(config, clock.now);
    const community = communityOf(config);
    const user = "100000000000000099";
    const request = await Requests.submit(core, {
      community,
      submissionKey: "k1",
      applicant: { userId: user, name: "Display gamer" },
      answers: { why: SECRET_ANSWER },
      profile: {
        platform: "discord",
        userId: user,
        name: "Display gamer",
        available: true,
        realName: "Realname gamer",
      },
    });
    if (request.kind !== "recorded") throw new Error(request.kind);
    await decideAs(core, { id: "100000000000000003" }, { requestId: request.request.id, outcome: "deny" });
    clock.advance(60_000);
    await sweep(core, {});
    await core.store.doc.send(
      new DeleteCommand({
        TableName: core.store.table,
        Key: { pk: keys.request(request.request.id).pk, sk: "PERSONAL" },
      }),
    );
    const read = await Requests.get(core, request.request.id);
    expect(read?.privacy?.removed).toBe("expired");
    if (!read) throw new Error("gone");
    const card = JSON.stringify(discordCard(state(read, community)));
    expect(card).toContain("Personal data removed after 7 days");
    expect(card).not.toContain(SECRET_ANSWER);
    expect(card).not.toContain("Realname gamer");
  });

  it("moves it however the request closed: declined or approved at submission, admitted from the waitlist, expired", async () => {
    const clock = testClock("2026-06-01T12:00:00.000Z");
    const config = configOf(
      slackCommunity({ id: "auto", onRuleFailure: "deny", rules: { requireTitle: true } }),
      slackCommunity({ id: "open", autoApprove: true, capacity: 1, reviewChannel: "C0REV2" }),
      slackCommunity({ id: "slow", pendingExpiryDays: 1, reviewChannel: "C0REV3" }),
    );
    const core = await createTestCore(config, clock.now);
    const [auto, open, slow] = [0, 1, 2].map((i) => communityOf(config, i)) as [
      Community,
      Community,
      Community,
    ];
    const declined = await Requests.submit(core, {
      community: auto,
      submissionKey: "a",
      applicant: { userId: "U0AUTO1", name: "Display U0AUTO1" },
      answers: { why: "auto" },
      profile: { ...profile("U0AUTO1"), title: undefined },
    });
    const first = await apply(core, open, "U0FIRST");
    const second = await apply(core, open, "U0SECOND");
    const stale = await apply(core, slow, "U0STALE");
    expect(declined.kind === "recorded" && declined.request.status).toBe("denied");
    expect([first.status, second.status]).toEqual(["approved", "waitlisted"]);
    await Capacity.leave(core, open, "U0FIRST"); // admits the second from the waitlist
    clock.advance(2 * DAY_MS);
    await sweep(core, {}); // expires the stale one, then moves everything closed
    const ids = [declined.kind === "recorded" ? declined.request.id : "", first.id, second.id, stale.id];
    for (const id of ids) {
      const read = await Requests.get(core, id);
      expect(read?.privacy, id).toBeDefined();
      expect(await rawItem(core, id, "PERSONAL"), id).toBeDefined();
      expect(JSON.stringify(await rawItem(core, id, "REQ"))).not.toContain("Realname");
    }
    expect((await Requests.get(core, second.id))?.status).toBe("approved");
    expect((await Requests.get(core, stale.id))?.status).toBe("expired");
  });
});
