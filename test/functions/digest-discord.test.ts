import { afterAll, describe, expect, it } from "vitest";
import type { Community } from "../../core/config/schema.js";
import * as Outbox from "../../core/outbox.js";
import { discordCommunity, testClock } from "../support/core.js";
import { checkPng, DIGEST, DUE, seedHistory, sweepTwiceAtOnce, untilPosted } from "../support/digest.js";
import { startDiscordHarness } from "../support/discord-harness.js";
import { eventually } from "../support/recording-effects.js";

/** The weekly digest on Discord, end to end, in a process of its own. */
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe("the weekly digest", () => {
  it("posts once a week to the Discord review channel, the chart as an attachment", async () => {
    const clock = testClock("2026-04-06T10:00:00.000Z");
    const yaml = JSON.stringify({ communities: [discordCommunity()], digest: DIGEST });
    const h = await startDiscordHarness(yaml, { now: clock.now });
    closers.push(() => h.close());
    const core = h.server.runtime.core;
    const community = core.config.communities[0] as Community;
    const expected = await seedHistory(core, community, clock, { id: "100000000000000003" });

    clock.set(DUE);
    expect(await sweepTwiceAtOnce(h.server)).toEqual(["gamers"]);
    expect(await sweepTwiceAtOnce(h.server)).toEqual([]);
    const posted = await untilPosted(h.server, clock, () => {
      const list = [...h.fake.messages.values()].filter((m) => (m.attachments ?? []).length > 0);
      return list.length > 0 ? list : undefined;
    });
    expect(posted).toHaveLength(1);
    const message = posted[0];
    expect(message?.channel_id).toBe("100000000000000002");
    expect(message?.content).toContain("**Weekly digest for Gamers**");
    expect(JSON.stringify(message?.embeds)).toContain("attachment://gatekeeper-gamers-2026-W23.png");
    expect(message?.attachments?.[0]).toMatchObject({
      filename: "gatekeeper-gamers-2026-W23.png",
      contentType: "image/png",
    });
    checkPng(new Uint8Array(message?.attachments?.[0]?.bytes ?? []), expected);
  }, 300_000);

  it("posts once when Discord took the message but its answer was lost: the retry carries the same nonce", async () => {
    const clock = testClock(DUE);
    const yaml = JSON.stringify({ communities: [discordCommunity()], digest: DIGEST });
    const h = await startDiscordHarness(yaml, { now: clock.now });
    closers.push(() => h.close());
    const { core, performers } = h.server.runtime;
    h.fake.failNext("POST", /^\/channels\/\d+\/messages$/, 1, { kind: "accept", answer: "reset" });
    expect(await sweepTwiceAtOnce(h.server)).toEqual(["gamers"]);
    const taskId = "digest-gamers-2026-W23";
    const entry = await eventually(async () => {
      const [e] = await Outbox.entriesOf(core, taskId);
      if (e?.status !== "retry" && e?.status !== "done") throw new Error(`entry: ${e?.status}`);
      return e;
    }, 60_000);
    if (entry.status === "retry")
      expect(await Outbox.retryNow(core, performers, { requestId: taskId, name: entry.name })).toBe("done");
    const posts = h.fake.calls.filter((c) => c.method === "POST" && /\/messages$/.test(c.path));
    expect(posts.length).toBeGreaterThanOrEqual(2); // the lost one, and the retry
    expect(new Set(posts.map((c) => (c.body as { nonce?: string }).nonce)).size).toBe(1);
    const withChart = [...h.fake.messages.values()].filter((m) => (m.attachments ?? []).length > 0);
    expect(withChart).toHaveLength(1);
    expect((await Outbox.entriesOf(core, taskId))[0]).toMatchObject({ status: "done" });
  }, 300_000);
});
