import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import type { Core } from "../../core/context.js";
import { PermanentEffectError, RetryableEffectError } from "../../core/effects.js";
import { keys } from "../../core/model.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { STREAM_GRACE_MS } from "../../core/store/items.js";
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

const MOD = { kind: "user" as const, id: "U0MOD1", name: "Mod" };

async function setup(overrides: Record<string, unknown> = {}) {
  const clock = testClock();
  const config = configOf(slackCommunity(overrides));
  const core = await createTestCore(config, clock.now);
  const fake = recordingEffects();
  const submit = async (userId = "U1") => {
    const outcome = await Requests.submit(core, {
      community: communityOf(config),
      submissionKey: `view-${userId}`,
      applicant: { userId, name: userId },
      answers: { why: "because" },
      profile: slackProfile(userId),
    });
    if (outcome.kind !== "recorded") throw new Error(outcome.kind);
    return outcome.request;
  };
  return { clock, core, fake, submit, performers: { slack: fake.effects } };
}

async function status(core: Core, requestId: string, name: string) {
  return (await Outbox.entriesOf(core, requestId)).find((e) => e.name === name);
}

describe("the outbox", () => {
  it("performs an entry once however many deliveries race for it, and stores the card's place", async () => {
    const { core, fake, submit, performers } = await setup();
    const request = await submit();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        Outbox.run(core, performers, { requestId: request.id, name: "card.post" }),
      ),
    );
    expect(results.filter((r) => r === "done")).toHaveLength(1);
    expect(results.filter((r) => r === "skipped")).toHaveLength(9);
    expect(fake.count("postCard")).toBe(1);
    expect((await Requests.get(core, request.id))?.card).toEqual({ channel: "C0REVIEW", id: "card-1" });
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "card.post" })).toBe("skipped");
  });

  it("retries a short failure inline (429 with a small Retry-After) and delivers once", async () => {
    const { core, fake, submit, performers } = await setup();
    const request = await submit();
    fake.failNext("postCard", new RetryableEffectError("rate limited", 300), new RetryableEffectError("503"));
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "card.post" })).toBe("done");
    expect(fake.count("postCard")).toBe(1);
  });

  it("schedules longer failures for the sweeper, then delivers once when due", async () => {
    const { clock, core, fake, submit, performers } = await setup();
    const request = await submit();
    fake.failNext("postCard", new RetryableEffectError("rate limited", 120_000));
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "card.post" })).toBe("retry");
    const entry = await status(core, request.id, "card.post");
    expect(entry).toMatchObject({
      status: "retry",
      attempts: 1,
      lastError: "RetryableEffectError: rate limited",
    });
    expect(Date.parse(entry?.dueAt ?? "")).toBe(clock.now().getTime() + 120_000);
    // Not due yet: the sweeper leaves it alone.
    expect((await Outbox.redriveDue(core, performers)).done).toBe(0);
    clock.advance(120_000);
    expect((await Outbox.redriveDue(core, performers)).done).toBe(1);
    expect(fake.count("postCard")).toBe(1);
    expect(await status(core, request.id, "card.post")).toMatchObject({ status: "done", attempts: 2 });
  });

  it("keeps retrying a failing entry with capped backoff, and marks it stuck once, with one notice", async () => {
    const { clock, core, fake, submit, performers } = await setup();
    const request = await submit();
    await Outbox.run(core, performers, { requestId: request.id, name: "card.post" });
    await decideAs(core, MOD, { requestId: request.id, outcome: "approve" });
    // An outcome the platform never told (a Retry-After beyond the inline waits: one failure a delivery).
    const hangUp = () => new RetryableEffectError("socket hang up", 5_000, "unknown-outcome");
    fake.failNext("grant", ...Array.from({ length: 11 }, hangUp));
    let result = await Outbox.run(core, performers, { requestId: request.id, name: "grant" });
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const entry = await status(core, request.id, "grant");
      waits.push((Date.parse(entry?.dueAt ?? "") - clock.now().getTime()) / 1000);
      clock.advance(Outbox.MAX_BACKOFF_MS);
      result = await Outbox.run(core, performers, { requestId: request.id, name: "grant" });
    }
    expect(result).toBe("retry");
    // It may have been performed: the retry comes within a minute (while Discord's nonce holds).
    expect(waits.slice(0, 3)).toEqual([30, 60, 60]);
    expect(await status(core, request.id, "grant")).toMatchObject({
      status: "retry",
      attempts: 10,
      failures: 10,
    });
    expect(await Outbox.deadLetters(core)).toEqual([]);
    expect((await Outbox.stuckEntries(core)).map((e) => e.name)).toEqual(["grant"]);
    // The applicant holds the seat: the grant never gives up, however old.
    clock.advance(2 * Outbox.GIVE_UP_AFTER_MS);
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "grant" })).toBe("retry");
    // Moderators are told once: one notice entry, naming what is stuck and why.
    const notices = (await Outbox.entriesOf(core, request.id)).filter((e) => e.spec.kind === "stuck");
    expect(notices.map((e) => [e.name, e.spec])).toEqual([
      ["stuck#grant", { kind: "stuck", effect: "grant", why: "socket hang up" }],
    ]);
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "stuck#grant" })).toBe("done");
    const [alert] = fake.calls.filter((c) => c.kind === "alert");
    expect(alert?.text).toMatch(
      /^Delivery stuck: Gatekeeper keeps failing at granting access for U1's request to join Makers \(last error: socket hang up\)/,
    );
  });

  it("gives up only on a closed request's entries, once they are a week old", async () => {
    const { clock, core, fake, submit, performers } = await setup();
    const request = await submit();
    await Outbox.run(core, performers, { requestId: request.id, name: "card.post" });
    await decideAs(core, MOD, { requestId: request.id, outcome: "deny", reason: "no" });
    fake.failNext(
      "notify",
      // (a Retry-After beyond the inline waits: each delivery fails once, without sleeping here)
      ...Array.from({ length: 1000 }, () => new RetryableEffectError("Slack answered HTTP 400", 5_000)),
    );
    const run = () => Outbox.run(core, performers, { requestId: request.id, name: "notice.denied" });
    expect(await run()).toBe("retry");
    clock.advance(Outbox.GIVE_UP_AFTER_MS - 4 * 3_600_000);
    expect(await run()).toBe("retry");
    const entry = await status(core, request.id, "notice.denied");
    expect(Date.parse(entry?.dueAt ?? "") - clock.now().getTime()).toBeLessThanOrEqual(Outbox.MAX_BACKOFF_MS);
    clock.advance(5 * 3_600_000);
    expect(await run()).toBe("dead");
    expect((await Outbox.deadLetters(core)).map((e) => e.name)).toEqual(["notice.denied"]);
    // A dead entry is never run again, unless re-driven by hand.
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "notice.denied" })).toBe(
      "skipped",
    );
  });

  it("never counts a rate limit as a failure", async () => {
    const { clock, core, fake, submit, performers } = await setup();
    const request = await submit();
    fake.failNext(
      "postCard",
      ...Array.from({ length: 30 }, () => new RetryableEffectError("429", 600_000, "rate-limited")),
    );
    for (let i = 0; i < 30; i++) {
      expect(await Outbox.run(core, performers, { requestId: request.id, name: "card.post" })).toBe("retry");
      clock.advance(600_000);
    }
    expect(await status(core, request.id, "card.post")).toMatchObject({ status: "retry", failures: 0 });
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "card.post" })).toBe("done");
    expect(await Outbox.stuckEntries(core)).toEqual([]);
  });

  it("records a permanent failure (DMs closed) on the request without retrying", async () => {
    const { core, fake, submit, performers } = await setup();
    const request = await submit();
    await Outbox.run(core, performers, { requestId: request.id, name: "card.post" });
    await decideAs(core, MOD, { requestId: request.id, outcome: "deny", reason: "no" });
    fake.failNext(
      "notify",
      new PermanentEffectError("403 50007", "Could not DM the applicant: their DMs are closed"),
    );
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "notice.denied" })).toBe(
      "failed",
    );
    expect(fake.count("notify")).toBe(0);
    expect((await Requests.get(core, request.id))?.issues).toEqual([
      "Could not DM the applicant: their DMs are closed",
    ]);
    expect(
      await Outbox.run(core, performers, { requestId: request.id, name: "card.update#issue#notice.denied" }),
    ).toBe("done");
    expect(fake.calls.at(-1)).toMatchObject({ kind: "updateCard", status: "denied" });
  });

  it("marks a card that cannot be posted stuck at once, and keeps retrying it while the request is open", async () => {
    const { core, fake, submit, performers } = await setup();
    const request = await submit();
    fake.failNext(
      "postCard",
      new PermanentEffectError("not_in_channel", "The bot is not in the review channel"),
    );
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "card.post" })).toBe("retry");
    expect(await status(core, request.id, "card.post")).toMatchObject({
      status: "retry",
      failures: Outbox.STUCK_AFTER,
      lastError: "PermanentEffectError: not_in_channel",
    });
    expect(await status(core, request.id, "stuck#card.post")).toMatchObject({
      status: "pending",
      spec: { kind: "stuck", effect: "card.post", why: "The bot is not in the review channel" },
    });
    // Fixed (the bot was invited): a re-drive by hand posts it now.
    expect(await Outbox.retryNow(core, performers, { requestId: request.id, name: "card.post" })).toBe(
      "done",
    );
    expect(fake.count("postCard")).toBe(1);
    // The notice about it is no longer needed.
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "stuck#card.post" })).toBe(
      "done",
    );
    expect(await status(core, request.id, "stuck#card.post")).toMatchObject({
      skipped: "the stuck delivery succeeded since",
    });
    expect(fake.count("alert")).toBe(0);
  });

  it("waits for the card before updating it", async () => {
    const { core, fake, submit, performers } = await setup();
    const request = await submit();
    await decideAs(core, MOD, { requestId: request.id, outcome: "approve" });
    const pending = Outbox.run(core, performers, { requestId: request.id, name: "card.update#approved" });
    expect(await pending).toBe("retry");
    expect(fake.count("updateCard")).toBe(0);
  });

  it("takes over an entry whose worker died (lapsed lease)", async () => {
    const { clock, core, fake, submit, performers } = await setup();
    const request = await submit();
    const lease = new Date(clock.now().getTime() + 1000).toISOString();
    await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.effect(request.id, "card.post"),
        // What a claim writes: the lease, and the due time the sweeper looks at.
        UpdateExpression: "SET #s = :running, leaseUntil = :lease, gsi1sk = :due",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":running": "running",
          ":lease": lease,
          ":due": `${lease}#${request.id}#card.post`,
        },
      }),
    );
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "card.post" })).toBe("skipped");
    clock.advance(Outbox.LEASE_MS + 5_000);
    expect((await Outbox.redriveDue(core, performers)).done).toBe(1);
    expect(fake.count("postCard")).toBe(1);
    // The dead worker may have posted it: the adapter is told to look first.
    expect(fake.contexts[0]?.ctx.unknownSince).toEqual(expect.any(String));
  });

  it("keeps entries for a platform that is not configured until it is", async () => {
    const { clock, core, fake, submit } = await setup();
    const request = await submit();
    expect(await Outbox.run(core, {}, { requestId: request.id, name: "card.post" })).toBe("retry");
    clock.advance(3_600_000);
    expect((await Outbox.redriveDue(core, { slack: fake.effects })).done).toBe(1);
  });
});

describe("the sweep", () => {
  it("reminds once, expires after pendingExpiryDays, tells the applicant, and frees them to re-apply", async () => {
    const { clock, core, fake, submit, performers } = await setup({
      remindAfterHours: 24,
      pendingExpiryDays: 3,
    });
    const request = await submit();
    await Outbox.run(core, performers, { requestId: request.id, name: "card.post" });

    clock.advance(23 * 3_600_000);
    expect(await sweep(core, performers)).toMatchObject({ expired: 0, reminded: 0 });
    clock.advance(2 * 3_600_000);
    expect(await sweep(core, performers)).toMatchObject({ expired: 0, reminded: 1 });
    expect(await sweep(core, performers)).toMatchObject({ reminded: 0 });
    // The reminder is due after the stream's grace period; the sweep re-drives it.
    clock.advance(STREAM_GRACE_MS);
    await sweep(core, performers);
    expect(fake.count("remind")).toBe(1);

    clock.advance(3 * 24 * 3_600_000);
    expect(await sweep(core, performers)).toMatchObject({ expired: 1 });
    expect((await Requests.get(core, request.id))?.status).toBe("expired");
    clock.advance(STREAM_GRACE_MS);
    await sweep(core, performers);
    expect(fake.calls.filter((c) => c.kind === "notify")).toEqual([
      { kind: "notify", requestId: request.id, status: "expired", notice: "expired" },
    ]);
    expect(fake.count("updateCard")).toBe(1);
    expect(await Requests.precheck(core, communityOf(core.config), "U1")).toBeUndefined();
    expect(await sweep(core, performers)).toMatchObject({ expired: 0, reminded: 0, effects: { done: 0 } });
  });

  it("admits from the waitlist when capacity grows", async () => {
    const { core, submit, performers } = await setup({ capacity: 0 });
    const request = await submit();
    await decideAs(core, MOD, { requestId: request.id, outcome: "approve" });
    expect((await Requests.get(core, request.id))?.status).toBe("waitlisted");
    const grown = { ...core, config: configOf(slackCommunity({ capacity: 1 })) };
    expect(await sweep(grown, performers)).toMatchObject({ admitted: 1 });
    expect((await Requests.get(core, request.id))?.status).toBe("approved");
  });

  it("scoped to one platform, touches only that platform's communities and outbox entries", async () => {
    const clock = testClock();
    const config = configOf(slackCommunity({ capacity: 0 }), discordCommunity({ capacity: 0 }));
    const core = await createTestCore(config, clock.now);
    const slack = recordingEffects();
    const discord = recordingEffects();
    const requests = await Promise.all(
      [0, 1].map(async (index) => {
        const community = communityOf(config, index);
        const user = community.platform === "slack" ? "U1" : "100000000000000042";
        const outcome = await Requests.submit(core, {
          community,
          submissionKey: `view-${user}`,
          applicant: { userId: user, name: user },
          answers: { why: "because" },
          profile:
            community.platform === "slack"
              ? slackProfile(user)
              : { platform: "discord", userId: user, name: user, available: true, hasAvatar: true },
        });
        if (outcome.kind !== "recorded") throw new Error(outcome.kind);
        const moderator = community.platform === "slack" ? "U0MOD1" : "100000000000000003";
        await decideAs(core, { id: moderator }, { requestId: outcome.request.id, outcome: "approve" });
        return outcome.request;
      }),
    );
    const [slackRequest, discordRequest] = requests;
    if (!slackRequest || !discordRequest) throw new Error("not recorded");
    clock.advance(STREAM_GRACE_MS);
    const grown = {
      ...core,
      config: configOf(slackCommunity({ capacity: 1 }), discordCommunity({ capacity: 1 })),
    };

    const report = await sweep(grown, { slack: slack.effects }, { platform: "slack" });
    expect(report.admitted).toBe(1);
    expect((await Requests.get(core, slackRequest.id))?.status).toBe("approved");
    expect((await Requests.get(core, discordRequest.id))?.status).toBe("waitlisted");
    expect(new Set(slack.calls.map((c) => c.requestId))).toEqual(new Set([slackRequest.id]));
    // The Discord entries were left for the Discord sweeper: still pending, not failed for want of a performer.
    expect((await status(core, discordRequest.id, "card.post"))?.status).toBe("pending");

    await sweep(grown, { discord: discord.effects }, { platform: "discord" });
    expect((await Requests.get(core, discordRequest.id))?.status).toBe("approved");
    expect(new Set(discord.calls.map((c) => c.requestId))).toEqual(new Set([discordRequest.id]));
  });
});
