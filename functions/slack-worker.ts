import { slackEffects } from "./effects.js";
import { lazyHandler } from "./runtime.js";
import { createWorker } from "./worker.js";

/**
 * The outbox worker for Slack entries (the stream filter in stacks/worker.ts sends only those).
 * No chart: digests are left to functions/slack-digest.ts.
 */
export const handler = lazyHandler((runtime) => createWorker(runtime), { slack: slackEffects });
