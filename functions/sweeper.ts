import { SWEEPER_TIMEOUT_SECONDS } from "../core/deployment.js";
import { type SweepReport, sweep } from "../core/sweep.js";
import { lazyHandler, type Runtime, remainingMs } from "./runtime.js";

const SAFETY_MS = 2_000;

/** The scheduled pass (cron): expiry, reminders, waitlist promotion, outbox re-drive. */
export function createSweeper(runtime: Runtime) {
  return async (
    _event?: unknown,
    context?: unknown,
  ): Promise<Omit<SweepReport, "deadLetters"> & { deadLetters: number }> => {
    const deadline = Date.now() + remainingMs(context, SWEEPER_TIMEOUT_SECONDS) - SAFETY_MS;
    const report = await sweep(runtime.core, runtime.performers, { deadline });
    return { ...report, deadLetters: report.deadLetters.length };
  };
}

export const handler = lazyHandler(createSweeper);
