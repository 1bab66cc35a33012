import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import * as Insights from "../../core/insights.js";
import * as Outbox from "../../core/outbox.js";
import { slackCommunity, testClock } from "../support/core.js";
import { checkPng, DIGEST, DUE, seedHistory, sweepTwiceAtOnce, untilPosted } from "../support/digest.js";
import { eventually } from "../support/recording-effects.js";
import { startSlackBot } from "../support/slack-bot.js";

/** The weekly digest on Slack, end to end (test/support/digest.ts seeds eight weeks and checks the PNG). */
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe("the weekly digest", () => {
  it("posts once a week to the Slack review channel: a summary and the chart, uploaded with files.uploadV2", async () => {
    const clock = testClock("2026-04-06T10:00:00.000Z");
    const config = parseConfig(
      JSON.stringify({ communities: [slackCommunity()], digest: DIGEST }),
      "test.yaml",
    );
    const bot = await startSlackBot(config, { now: clock.now });
    closers.push(() => bot.close());
    const core = bot.server.runtime.core;
    const community = bot.community("makers");
    const expected = await seedHistory(core, community, clock, { id: "U0MOD1" });

    clock.set("2026-06-01T06:30:00.000Z"); // 08:30 in Paris: not yet
    expect(await sweepTwiceAtOnce(bot.server)).toEqual([]);
    clock.set(DUE);
    expect(await sweepTwiceAtOnce(bot.server)).toEqual(["makers"]);
    const file = await bot.fake.waitFor(() => bot.fake.files[0], {
      what: "the digest upload",
      timeoutMs: 60_000,
    });
    expect(file).toMatchObject({ channel: "C0REVIEW", filename: "gatekeeper-makers-2026-W23.png" });
    expect(file.comment).toContain("*Weekly digest for Makers* (week 2026-W23)");
    expect(file.comment).toContain("Last week: 4 requests, 3 approved, 1 denied.");
    const figures = checkPng(new Uint8Array(file.bytes ?? []), expected);
    // The figures are the counters'.
    expect(figures).toEqual(await Insights.weekly(core, community, "2026-05-31", 8));

    // Later that week, and the week after.
    clock.set("2026-06-04T12:00:00.000Z");
    const before = bot.fake.files.length;
    expect(await sweepTwiceAtOnce(bot.server)).toEqual([]);
    clock.set("2026-06-08T07:05:00.000Z");
    expect(await sweepTwiceAtOnce(bot.server)).toEqual(["makers"]);
    await untilPosted(bot.server, clock, () => bot.fake.files[before]);
    expect(bot.fake.files.map((f) => f.filename)).toEqual([
      "gatekeeper-makers-2026-W23.png",
      "gatekeeper-makers-2026-W24.png",
    ]);
    expect(bot.fake.succeeded("files.completeUploadExternal")).toHaveLength(2);
  }, 300_000);

  it("posts once when Slack took the upload but its answer was lost: the next attempt finds the file by its name", async () => {
    const clock = testClock(DUE);
    const config = parseConfig(
      JSON.stringify({ communities: [slackCommunity()], digest: DIGEST }),
      "test.yaml",
    );
    const bot = await startSlackBot(config, { now: clock.now });
    closers.push(() => bot.close());
    const { core, performers } = bot.server.runtime;
    bot.fake.failNext("files.completeUploadExternal", { accept: "reset" });
    expect(await sweepTwiceAtOnce(bot.server)).toEqual(["makers"]);
    const taskId = "digest-makers-2026-W23";
    const entry = await eventually(async () => {
      const [e] = await Outbox.entriesOf(core, taskId);
      if (e?.status !== "retry" && e?.status !== "done") throw new Error(`entry: ${e?.status}`);
      return e;
    }, 60_000);
    expect(bot.fake.files).toHaveLength(1); // Slack has it, the bot does not know
    if (entry.status === "retry") {
      expect(entry.unknownSince).toBeDefined();
      expect(await Outbox.retryNow(core, performers, { requestId: taskId, name: entry.name })).toBe("done");
    }
    expect(bot.fake.files).toHaveLength(1);
    expect(bot.fake.callsTo("files.completeUploadExternal")).toHaveLength(1);
    expect(bot.fake.callsTo("conversations.history").map((c) => c.params.channel)).toContain("C0REVIEW");
    expect((await Outbox.entriesOf(core, taskId))[0]).toMatchObject({ status: "done" });
  }, 300_000);
});
