import { discordEffects } from "./effects.js";
import { lazyHandler } from "./runtime.js";
import { createSweeper } from "./sweeper.js";

/** The scheduled pass over Discord communities and Discord outbox entries. */
export const handler = lazyHandler((runtime) => createSweeper(runtime, "discord"), {
  discord: discordEffects,
});
