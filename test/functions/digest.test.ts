import { afterAll, describe, expect, it } from "vitest";
import type { LocalServer } from "../../cli/server.js";
import { CHART_COLORS, CHART_DATA_KEY, pngText } from "../../core/chart.js";
import { parseConfig } from "../../core/config/load.js";
import type { Community } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import * as Insights from "../../core/insights.js";
import * as Requests from "../../core/requests.js";
import { sweep } from "../../core/sweep.js";
import { decide } from "../../core/usecases/decide.js";
import { discordCommunity, slackCommunity, slackProfile, testClock } from "../support/core.js";
import { startDiscordHarness } from "../support/discord-harness.js";
import { countColor, decodePng, luminanceVariance } from "../support/png.js";
import { startSlackBot } from "../support/slack-bot.js";

/**
 * The weekly digest end to end: a history seeded over eight weeks through the real state changes,
 * the sweeper run twice at the digest's hour (and again later that week), and the chart posted once
 * to the review channel (Slack: files.uploadV2; Discord: an attachment), decoded and checked
 * against the counters.
 */
const DIGEST = { day: "monday", hour: 9, timezone: "Europe/Paris" };
// Monday 2026-06-01 09:30 in Paris (UTC+2): the digest of week 2026-W23, charting W15..W22.
const DUE = "2026-06-01T07:30:00.000Z";

async function seedHistory(
  core: Core,
  community: Community,
  clock: ReturnType<typeof testClock>,
  mod: { id: string; roles?: string[] },
) {
  let n = 0;
  const expected: { approved: number; denied: number; requests: number }[] = [];
  for (let w = 0; w < 8; w++) {
    clock.set(new Date(Date.parse("2026-04-06T10:00:00Z") + w * 7 * 86_400_000).toISOString());
    const count = 1 + (w % 4);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const userId =
        community.platform === "slack" ? `U${String(500 + n)}` : `3${String(n).padStart(17, "0")}`;
      n++;
      const outcome = await Requests.submit(core, {
        community,
        submissionKey: `h-${n}`,
        applicant: { userId, name: userId },
        answers: { why: "history" },
        profile:
          community.platform === "slack"
            ? slackProfile(userId)
            : {
                platform: "discord",
                userId,
                name: userId,
                available: true,
                hasAvatar: true,
                realName: userId,
                accountCreatedAt: "2020-01-01T00:00:00Z",
              },
      });
      if (outcome.kind !== "recorded") throw new Error(outcome.kind);
      ids.push(outcome.request.id);
    }
    clock.advance(3_600_000);
    const origin = {
      platform: community.platform,
      workspace: community.workspace,
      userId: mod.id,
      roles: mod.roles ?? [],
    };
    let approved = 0;
    let denied = 0;
    for (const [i, requestId] of ids.entries()) {
      const outcome = i % 3 === 1 ? "deny" : "approve";
      await decide(core, origin, { requestId, outcome });
      if (outcome === "deny") denied++;
      else approved++;
    }
    expected.push({ requests: count, approved, denied });
  }
  return expected;
}

function checkPng(png: Uint8Array, expected: { approved: number; denied: number; requests: number }[]) {
  const figures = JSON.parse(pngText(png)[CHART_DATA_KEY] ?? "[]") as {
    week: string;
    requests: number;
    approved: number;
    denied: number;
  }[];
  expect(figures.map((f) => f.week)).toEqual([
    "2026-W15",
    "2026-W16",
    "2026-W17",
    "2026-W18",
    "2026-W19",
    "2026-W20",
    "2026-W21",
    "2026-W22",
  ]);
  expect(figures.map(({ requests, approved, denied }) => ({ requests, approved, denied }))).toEqual(expected);
  const img = decodePng(png);
  expect(luminanceVariance(img)).toBeGreaterThan(100);
  const ratio = countColor(img, CHART_COLORS.approved) / countColor(img, CHART_COLORS.denied);
  const sum = (k: "approved" | "denied") => expected.reduce((a, e) => a + e[k], 0);
  expect(ratio).toBeGreaterThan((sum("approved") / sum("denied")) * 0.8);
  expect(ratio).toBeLessThan((sum("approved") / sum("denied")) * 1.25);
  return figures;
}

async function sweepTwiceAtOnce(server: LocalServer) {
  const { core, performers } = server.runtime;
  const [a, b] = await Promise.all([sweep(core, performers), sweep(core, performers)]);
  return [...a.digests, ...b.digests];
}

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
    expect(await sweepTwiceAtOnce(bot.server)).toEqual([]);
    clock.set("2026-06-08T07:05:00.000Z");
    expect(await sweepTwiceAtOnce(bot.server)).toEqual(["makers"]);
    await bot.fake.waitFor(() => bot.fake.files[1], { what: "the second digest", timeoutMs: 60_000 });
    expect(bot.fake.files.map((f) => f.filename)).toEqual([
      "gatekeeper-makers-2026-W23.png",
      "gatekeeper-makers-2026-W24.png",
    ]);
    expect(bot.fake.succeeded("files.completeUploadExternal")).toHaveLength(2);
  }, 300_000);

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
    const posted = await h.eventually(() => {
      const list = [...h.fake.messages.values()].filter((m) => (m.attachments ?? []).length > 0);
      return list.length > 0 ? list : undefined;
    }, 60_000);
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
