import { type SweepReport, sweep } from "../core/sweep.js";
import { lazyHandler, type Runtime } from "./runtime.js";

/** The scheduled pass (cron): expiry, reminders, waitlist promotion, outbox re-drive. */
export function createSweeper(runtime: Runtime) {
  return async (
    _event?: unknown,
    _context?: unknown,
  ): Promise<Omit<SweepReport, "deadLetters"> & { deadLetters: number }> => {
    const report = await sweep(runtime.core, runtime.performers);
    return { ...report, deadLetters: report.deadLetters.length };
  };
}

export const handler = lazyHandler(createSweeper);
