import { discordEffects, drawChart } from "./effects.js";
import { lazyHandler } from "./runtime.js";
import { createPlatformWorker } from "./worker.js";

/** The outbox worker for Discord entries (the stream filter in stacks/worker.ts sends only those). */
export const handler = lazyHandler((runtime) => createPlatformWorker(runtime, "discord"), {
  discord: discordEffects,
  drawChart,
});
