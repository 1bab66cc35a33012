import { discordEffects } from "./effects.js";
import { lazyHandler } from "./runtime.js";
import { createWorker } from "./worker.js";

/**
 * The outbox worker for Discord entries (the stream filter in stacks/worker.ts sends only those).
 * No chart: digests are left to functions/discord-digest.ts.
 */
export const handler = lazyHandler((runtime) => createWorker(runtime), { discord: discordEffects });
