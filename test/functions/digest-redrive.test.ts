import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import * as Outbox from "../../core/outbox.js";
import { createSweeper } from "../../functions/sweeper.js";
import { createDigestPoster, createWorker } from "../../functions/worker.js";
import { slackCommunity, testClock } from "../support/core.js";
import { DIGEST, DUE } from "../support/digest.js";
import { eventually } from "../support/recording-effects.js";
import { startSlackBot } from "../support/slack-bot.js";

/**
 * Deployed, only the digest functions carry the chart (functions/effects.ts `drawChart` is
 * injected into functions/<platform>-digest.ts): a digest whose first delivery failed is left due
 * by the sweep and by the stream worker, and posted by the digest function's scheduled run, once.
 */
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

const zeros = { done: 0, skipped: 0, retry: 0, failed: 0, dead: 0, deferred: 0, stopped: 0 };

describe("a digest left due, with the chart only in the digest function", () => {
  it("the sweeper and the stream worker pass it by, the digest function posts it once", async () => {
    const clock = testClock(DUE);
    const outbox = testClock(new Date().toISOString());
    const config = parseConfig(
      JSON.stringify({ communities: [slackCommunity()], digest: DIGEST }),
      "test.yaml",
    );
    const bot = await startSlackBot(config, { now: clock.now, outboxNow: outbox.now });
    closers.push(() => bot.close());
    const runtime = bot.server.runtime;
    expect(runtime.core.drawChart).toBeDefined(); // the local server does everything
    const { drawChart: _chart, ...chartless } = runtime.core;
    const sweeper = createSweeper({ ...runtime, core: chartless }, "slack");
    const streamWorker = createWorker({ ...runtime, core: chartless });
    const worker = createDigestPoster(runtime, "slack");

    // Slack fails the digest's first delivery: it is left to be retried.
    bot.fake.failNext("files.getUploadURLExternal", { status: 500 }, 50);
    expect((await sweeper()).digests).toEqual(["makers"]);
    const taskId = "digest-makers-2026-W23";
    const left = await eventually(async () => {
      const [e] = await Outbox.entriesOf(runtime.core, taskId);
      if (e?.status !== "retry") throw new Error(`entry: ${e?.status}`);
      return e;
    }, 60_000);
    expect(bot.fake.files).toHaveLength(0);
    bot.fake.reset(); // Slack is back

    outbox.advance(60 * 60_000); // long past the retry's time: the entry is due
    const swept = await sweeper();
    expect(swept.effects).toEqual(zeros);
    expect((await Outbox.entriesOf(runtime.core, taskId))[0]).toMatchObject({
      status: "retry",
      attempts: left.attempts,
    });
    expect(bot.fake.callsTo("files.getUploadURLExternal")).toHaveLength(0);

    // The stream worker (no chart) handed the entry (as its INSERT) leaves it as it is, though it
    // is due and Slack is back: a worker that took it would post it or count a failure.
    const [entry] = await Outbox.entriesOf(runtime.core, taskId);
    const insert = {
      Records: [
        {
          eventName: "INSERT",
          dynamodb: { NewImage: marshall({ ...entry, status: "pending" }, { removeUndefinedValues: true }) },
        },
      ],
    } as DynamoDBStreamEvent;
    expect(await streamWorker(insert)).toEqual({ batchItemFailures: [] });
    expect((await Outbox.entriesOf(runtime.core, taskId))[0]).toMatchObject({
      status: "retry",
      attempts: left.attempts,
    });
    expect(bot.fake.callsTo("files.getUploadURLExternal")).toHaveLength(0);

    const run = await worker({}, undefined);
    expect(run).toEqual({ redriven: { ...zeros, done: 1 } });
    expect(bot.fake.files.map((f) => f.filename)).toEqual(["gatekeeper-makers-2026-W23.png"]);
    expect((await Outbox.entriesOf(runtime.core, taskId))[0]).toMatchObject({ status: "done" });

    // Nothing left for either.
    expect(await worker({}, undefined)).toEqual({ redriven: zeros });
    expect((await sweeper()).effects).toEqual(zeros);
    expect(bot.fake.files).toHaveLength(1);
  }, 300_000);
});
