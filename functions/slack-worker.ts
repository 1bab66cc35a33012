import { slackEffects } from "./effects.js";
import { lazyHandler } from "./runtime.js";
import { createWorker } from "./worker.js";

/** The outbox worker for Slack entries (the stream filter in stacks/worker.ts sends only those). */
export const handler = lazyHandler(createWorker, { slack: slackEffects });
