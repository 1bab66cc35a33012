import type { Platform } from "../core/config/schema.js";
import { CHART_KINDS } from "../core/context.js";
import { SWEEPER_TIMEOUT_SECONDS } from "../core/deployment.js";
import { type SweepReport, sweep } from "../core/sweep.js";
import { type Runtime, remainingMs } from "./runtime.js";

const SAFETY_MS = 2_000;

/**
 * The scheduled pass (cron): expiry, reminders, waitlist promotion, outbox re-drive. Deployed
 * once per platform (functions/slack-sweeper.ts, functions/discord-sweeper.ts), each bundling
 * only its platform's client; locally and in the CLI one pass covers both. A sweeper that draws
 * no charts (the deployed ones: `Core.drawChart` is injected into the digest functions only)
 * leaves due digest entries to its platform's digest function, which posts them on its own
 * schedule (functions/worker.ts `createDigestPoster`).
 */
export function createSweeper(runtime: Runtime, platform?: Platform) {
  return async (
    _event?: unknown,
    context?: unknown,
  ): Promise<Omit<SweepReport, "deadLetters"> & { deadLetters: number }> => {
    const deadline = Date.now() + remainingMs(context, SWEEPER_TIMEOUT_SECONDS) - SAFETY_MS;
    const report = await sweep(runtime.core, runtime.performers, {
      deadline,
      ...(platform ? { platform } : {}),
      ...(runtime.core.drawChart ? {} : { kinds: { except: CHART_KINDS } }),
    });
    return { ...report, deadLetters: report.deadLetters.length };
  };
}
