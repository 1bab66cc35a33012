import { drawChart, slackEffects } from "./effects.js";
import { lazyHandler } from "./runtime.js";
import { createDigestPoster } from "./worker.js";

/** Posts Slack's due weekly digests, chart included, on a schedule (stacks/worker.ts). */
export const handler = lazyHandler((runtime) => createDigestPoster(runtime, "slack"), {
  slack: slackEffects,
  drawChart,
});
