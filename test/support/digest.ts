import { expect } from "vitest";
import type { LocalServer } from "../../cli/server.js";
import { CHART_COLORS, CHART_DATA_KEY, pngText } from "../../core/chart.js";
import type { Community } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import * as Requests from "../../core/requests.js";
import { sweep } from "../../core/sweep.js";
import { decide } from "../../core/usecases/decide.js";
import { slackProfile, type testClock } from "./core.js";
import { countColor, decodePng, luminanceVariance } from "./png.js";

/**
 * The weekly digest end to end: a history seeded over eight weeks through the real state changes,
 * the sweeper run twice at the digest's hour (and again later that week), and the chart posted once
 * to the review channel (Slack: files.uploadV2; Discord: an attachment), decoded and checked
 * against the counters.
 */
export const DIGEST = { day: "monday", hour: 9, timezone: "Europe/Paris" };
// Monday 2026-06-01 09:30 in Paris (UTC+2): the digest of week 2026-W23, charting W15..W22.
export const DUE = "2026-06-01T07:30:00.000Z";

export async function seedHistory(
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

export function checkPng(
  png: Uint8Array,
  expected: { approved: number; denied: number; requests: number }[],
) {
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

/**
 * Waits for `found`, as production would: the stream worker performs the digest at once, and if
 * that attempt failed (a slow machine, a timeout), the cron's next sweeps re-drive it.
 */
export async function untilPosted<T>(
  server: LocalServer,
  clock: ReturnType<typeof testClock>,
  found: () => T | undefined,
): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (let round = 0; ; round++) {
    const value = found();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("the digest was not posted");
    await new Promise((r) => setTimeout(r, 1000));
    if (round % 10 === 9) {
      clock.advance(5 * 60_000); // the retry's backoff has passed; a sweep re-drives it
      await sweep(server.runtime.core, server.runtime.performers);
    }
  }
}

export async function sweepTwiceAtOnce(server: LocalServer) {
  const { core, performers } = server.runtime;
  const [a, b] = await Promise.all([sweep(core, performers), sweep(core, performers)]);
  return [...a.digests, ...b.digests];
}
