import type { Platform } from "../core/config/schema.js";
import { SWEEPER_TIMEOUT_SECONDS } from "../core/deployment.js";
import { type SweepReport, sweep } from "../core/sweep.js";
import { type Runtime, remainingMs } from "./runtime.js";

const SAFETY_MS = 2_000;

/**
 * The scheduled pass (cron): expiry, reminders, waitlist promotion, outbox re-drive. Deployed
 * once per platform (functions/slack-sweeper.ts, functions/discord-sweeper.ts), each bundling
 * only its platform's client; locally and in the CLI one pass covers both.
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
    });
    return { ...report, deadLetters: report.deadLetters.length };
  };
}
