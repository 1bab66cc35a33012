import { PLATFORMS, SWEEP_EVERY_MINUTES, SWEEPER_TIMEOUT_SECONDS } from "../core/deployment.js";
import { functionDefaults } from "./common.js";
import type { Secrets } from "./secrets.js";
import type { Storage } from "./storage.js";

/**
 * The scheduled pass (functions/<platform>-sweeper.ts): expires pending requests, reminds
 * moderators, admits waitlisted applicants into free seats, and re-drives outbox entries that
 * are due (retries, and anything the stream worker missed). One per platform, each over its own
 * communities and entries, so each bundles only its own platform's client (see stacks/worker.ts).
 * Every minute (core/deployment.ts explains why); runs are idempotent, so an overlap or a
 * retried run does nothing twice.
 */
export function createSweeper(storage: Storage, secrets: Secrets) {
  const schedule =
    SWEEP_EVERY_MINUTES === 1 ? "rate(1 minute)" : (`rate(${SWEEP_EVERY_MINUTES} minutes)` as const);
  return PLATFORMS.map((platform) => {
    const name = platform === "slack" ? "Slack" : "Discord";
    const cron = new sst.aws.CronV2(`${name}Sweeper`, {
      schedule,
      function: {
        // No chart here (the workers post digests and re-drive them): no native package, no font.
        ...functionDefaults(storage, secrets),
        description: `Gatekeeper: ${name} scheduled sweep (expiry, reminders, waitlist, outbox re-drive)`,
        handler: `functions/${platform}-sweeper.handler`,
        memory: "512 MB",
        // Below the outbox lease, like the worker: the sweep performs due entries too.
        timeout: `${SWEEPER_TIMEOUT_SECONDS} seconds`,
      },
      // A failed run is not retried: the next one starts within a minute anyway.
      retries: 0,
    });
    return { name: `${name}Sweeper`, cron };
  });
}
