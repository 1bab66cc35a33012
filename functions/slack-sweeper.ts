import { slackEffects } from "./effects.js";
import { lazyHandler } from "./runtime.js";
import { createSweeper } from "./sweeper.js";

/** The scheduled pass over Slack communities and Slack outbox entries. */
export const handler = lazyHandler((runtime) => createSweeper(runtime, "slack"), { slack: slackEffects });
