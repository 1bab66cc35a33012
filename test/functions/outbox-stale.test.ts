import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import type { Core } from "../../core/context.js";
import { silentLogger } from "../../core/log.js";
import { keys } from "../../core/model.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { sweep } from "../../core/sweep.js";
import { createRuntime } from "../../functions/runtime.js";
import { createSweeper } from "../../functions/sweeper.js";
import { cliFor } from "../support/cli.js";
import { testClock } from "../support/core.js";
import { eventually } from "../support/recording-effects.js";
import { SECRET, type SlackBot, startSlackBot } from "../support/slack-bot.js";
import { memberLeftEvent } from "../support/slack-payloads.js";

/**
 * Stale or late notices (issue 9, item 6): a notice or reminder that no longer applies when its
 * (late) turn comes is skipped; a short `pendingExpiryDays` expires on time; and a sweep run by
 * hand with `--now` never takes over an entry a live worker holds.
 */

const YAML = `
communities:
  - id: tiny
    name: Tiny Club
    platform: slack
    workspace: T0TEST
    reviewChannel: C0TINYREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0TINY] }
    questions:
      - { id: why, label: Why?, maxLength: 100 }
    capacity: 1
    whenFull: waitlist
  - id: quick
    name: Quick
    platform: slack
    workspace: T0TEST
    reviewChannel: C0QUICKREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0QUICK] }
    questions:
      - { id: why, label: Why?, maxLength: 100 }
    remindAfterHours: 1
    pendingExpiryDays: 14
  - id: brief
    name: Brief
    platform: slack
    workspace: T0TEST
    reviewChannel: C0BRIEFREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0BRIEF] }
    questions:
      - { id: why, label: Why?, maxLength: 100 }
    remindAfterHours: 24
    pendingExpiryDays: 0.1
`;
const CONFIG = parseConfig(YAML, "stale.yaml");
const HOUR = 3_600_000;

let bot: SlackBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

async function entry(core: Core, requestId: string, name: string) {
  return (await Outbox.entriesOf(core, requestId)).find((e) => e.name === name);
}

async function settled(core: Core, requestId: string) {
  return eventually(async () => {
    const open = (await Outbox.entriesOf(core, requestId)).filter(
      (e) => !["done", "failed", "dead"].includes(e.status),
    );
    if (open.length > 0) throw new Error(`not settled: ${open.map((e) => `${e.name}=${e.status}`)}`);
  }, 30_000);
}

/** Makes a scheduled retry due now (instead of waiting out its Retry-After). */
async function dueNow(core: Core, requestId: string, name: string) {
  await core.store.doc.send(
    new UpdateCommand({
      TableName: core.store.table,
      Key: keys.effect(requestId, name),
      UpdateExpression: "SET dueAt = :past, gsi1sk = :due",
      ExpressionAttributeValues: {
        ":past": "2000-01-01T00:00:00.000Z",
        ":due": `2000-01-01T00:00:00.000Z#${requestId}#${name}`,
      },
    }),
  );
}

describe("late notices", () => {
  it("skips a delayed 'you're on the waitlist' DM once the applicant was let in", async () => {
    bot = await startSlackBot(CONFIG);
    const b = bot;
    const { core, performers } = b.server.runtime;
    const first = await b.apply("U0APPLA", "tiny", { "q:why": "First" });
    await b.cardOf(first.requestId, "C0TINYREV");
    await b.click("approve A", {
      action: "gk_approve",
      requestId: first.requestId,
      user: "U0MOD1",
      channel: "C0TINYREV",
    });
    await settled(core, first.requestId);

    const second = await b.apply("U0APPLB", "tiny", { "q:why": "Second" });
    await b.cardOf(second.requestId, "C0TINYREV");
    await settled(core, second.requestId);
    // Slack rate-limits the waitlist DM for five minutes.
    b.fake.failNext("chat.postMessage", { status: 429, retryAfter: 300 });
    await b.click("approve B", {
      action: "gk_approve",
      requestId: second.requestId,
      user: "U0MOD1",
      channel: "C0TINYREV",
    });
    await eventually(async () =>
      expect((await entry(core, second.requestId, "notice.waitlisted"))?.status).toBe("retry"),
    );
    // Meanwhile A leaves and B is admitted and told.
    await b.event("member_left_channel", memberLeftEvent({ user: "U0APPLA", channel: "C0TINY" }));
    await eventually(() => expect(b.fake.messagesIn("D0APPLB")).toHaveLength(1));
    // The waitlist DM's turn comes: it no longer applies.
    await dueNow(core, second.requestId, "notice.waitlisted");
    await sweep(core, performers);
    await settled(core, second.requestId);
    expect(b.fake.messagesIn("D0APPLB").map((m) => m.text)).toEqual([
      "A seat opened up: you're now a member of Tiny Club. Welcome!",
    ]);
    expect(await entry(core, second.requestId, "notice.waitlisted")).toMatchObject({
      status: "done",
      skipped: expect.stringContaining("approved"),
    });
  });

  it("skips a delayed reminder once the request was decided", async () => {
    const clock = testClock(new Date().toISOString());
    bot = await startSlackBot(CONFIG, { now: clock.now });
    const b = bot;
    const { core, performers } = b.server.runtime;
    const { requestId } = await b.apply("U0APPLC", "quick", { "q:why": "Remind" });
    await b.cardOf(requestId, "C0QUICKREV");
    await settled(core, requestId);
    b.fake.failNext("chat.postMessage", { status: 429, retryAfter: 300 });
    clock.advance(2 * HOUR);
    expect((await sweep(core, performers)).reminded).toBe(1);
    await eventually(async () => expect((await entry(core, requestId, "remind"))?.status).toBe("retry"));
    await b.click("approve", { action: "gk_approve", requestId, user: "U0MOD1", channel: "C0QUICKREV" });
    await eventually(async () =>
      expect((await entry(core, requestId, "card.update#approved"))?.status).toBe("done"),
    );
    await dueNow(core, requestId, "remind");
    await sweep(core, performers);
    await settled(core, requestId);
    expect(b.fake.messagesIn("C0QUICKREV")).toHaveLength(1); // the card, and no reminder
    expect(await entry(core, requestId, "remind")).toMatchObject({
      status: "done",
      skipped: expect.stringContaining("approved"),
    });
  });
});

describe("expiry", () => {
  it("expires a request on time when pendingExpiryDays is shorter than a day", async () => {
    const clock = testClock(new Date().toISOString());
    // Only communities reminded after a day or more (a shorter reminder elsewhere hid the bug).
    const config = { communities: CONFIG.communities.filter((c) => c.id !== "quick") };
    bot = await startSlackBot(config, { now: clock.now });
    const b = bot;
    const { core, performers } = b.server.runtime;
    const { requestId } = await b.apply("U0APPLD", "brief", { "q:why": "Brief" });
    await b.cardOf(requestId, "C0BRIEFREV");
    clock.advance(2 * HOUR);
    expect((await sweep(core, performers)).expired).toBe(0);
    clock.advance(HOUR); // 3 h > 0.1 day (2.4 h)
    expect((await sweep(core, performers)).expired).toBe(1);
    expect((await Requests.get(core, requestId))?.status).toBe("expired");
    await eventually(() => expect(b.fake.messagesIn("D0APPLD")).toHaveLength(1));
  });
});

describe("a sweep run by hand", () => {
  it("never takes over a live worker's lease, even with --now in the future: the reminder goes out once", async () => {
    bot = await startSlackBot(CONFIG);
    const b = bot;
    const { core } = b.server.runtime;
    const cli = cliFor(b.server, YAML, {
      slack: { token: b.fake.token, apiUrl: b.fake.apiUrl, signingSecret: SECRET },
    });
    const { requestId } = await b.apply("U0APPLE", "quick", { "q:why": "Lease" });
    const card = await b.cardOf(requestId, "C0QUICKREV");
    await settled(core, requestId);

    // The worker holds the reminder for about 20 s: Slack takes the post but never answers (the
    // client gives up after 10 s), and the look-up for it takes 9 s more.
    b.fake.failNext("chat.postMessage", { accept: "hang" });
    b.fake.failNext("conversations.replies", { delayMs: 9_000 });
    const inTwoHours = new Date(Date.now() + 2 * HOUR).toISOString();
    const first = await cli("sweep", "--now", inTwoHours);
    expect(first.stdout).toContain("1 reminded");
    await b.fake.waitFor(
      () => b.fake.calls.find((c) => c.method === "chat.postMessage" && c.params.thread_ts === card),
      { what: "the worker's reminder" },
    );
    // Another sweep by hand, as if three hours later, while the worker's lease is live in real
    // time. In this process (what `gatekeeper sweep --now` runs once its arguments are read: its
    // own runtime, the decisions' clock fixed, the outbox's left alone), because the command's
    // start-up alone can outlast the worker's hold on a loaded machine.
    const later = new Date(Date.now() + 3 * HOUR);
    const runtime = createRuntime(b.server.runtime.settings, {
      config: CONFIG,
      log: silentLogger,
      now: () => later,
    });
    await createSweeper(runtime)();
    const second = { endedAt: Date.now() };
    await settled(core, requestId);
    const reminders = b.fake.messagesIn("C0QUICKREV").filter((m) => m.thread_ts === card);
    expect(reminders).toHaveLength(1);
    // Claimed once: by the worker, never by the hand-run sweep.
    expect((await entry(core, requestId, "remind"))?.attempts).toBe(1);
    // The hand-run sweep really ran while the worker held the entry.
    const lookup = b.fake.callsTo("conversations.replies")[0];
    expect(second.endedAt).toBeLessThan(lookup?.answeredAt ?? Number.POSITIVE_INFINITY);
    expect((await entry(core, requestId, "remind"))?.status).toBe("done");
  }, 90_000);
});
