import { discordEffects, drawChart } from "./effects.js";
import { lazyHandler } from "./runtime.js";
import { createDigestPoster } from "./worker.js";

/** Posts Discord's due weekly digests, chart included, on a schedule (stacks/worker.ts). */
export const handler = lazyHandler((runtime) => createDigestPoster(runtime, "discord"), {
  discord: discordEffects,
  drawChart,
});
