import type { Platform } from "../core/config/schema.js";
import { type SweepReport, sweep } from "../core/sweep.js";
import type { Runtime } from "./runtime.js";

/**
 * The scheduled pass (cron): expiry, reminders, waitlist promotion, outbox re-drive. Deployed
 * once per platform (functions/slack-sweeper.ts, functions/discord-sweeper.ts), each bundling
 * only its platform's client; locally and in the CLI one pass covers both.
 */
export function createSweeper(runtime: Runtime, platform?: Platform) {
  return async (
    _event?: unknown,
    _context?: unknown,
  ): Promise<Omit<SweepReport, "deadLetters"> & { deadLetters: number }> => {
    const report = await sweep(runtime.core, runtime.performers, { platform });
    return { ...report, deadLetters: report.deadLetters.length };
  };
}
