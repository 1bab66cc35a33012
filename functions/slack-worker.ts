import { drawChart, slackEffects } from "./effects.js";
import { lazyHandler } from "./runtime.js";
import { createPlatformWorker } from "./worker.js";

/** The outbox worker for Slack entries (the stream filter in stacks/worker.ts sends only those). */
export const handler = lazyHandler((runtime) => createPlatformWorker(runtime, "slack"), {
  slack: slackEffects,
  drawChart,
});
