import { afterAll, describe, expect, it } from "vitest";
import type { Community } from "../../core/config/schema.js";
import { discordCommunity, testClock } from "../support/core.js";
import { checkPng, DIGEST, DUE, seedHistory, sweepTwiceAtOnce, untilPosted } from "../support/digest.js";
import { startDiscordHarness } from "../support/discord-harness.js";

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
});
