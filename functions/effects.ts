import type { DiscordSettings, SlackSettings } from "../core/settings.js";
import type { EffectsFactory, PlatformModules } from "./runtime.js";

/**
 * The platforms' side effects, for the processes that perform them (the outbox worker, the
 * sweeper, the local server and the CLI). Each is imported on first use; in a Lambda bundle the
 * import is inlined (SST does not split code), so an entry that names a platform here carries
 * that platform's client in its file.
 */
export const slackEffects: EffectsFactory<SlackSettings> = async (settings, log) =>
  (await import("../bots/slack/effects.js")).createSlackEffects(settings, log);

export const discordEffects: EffectsFactory<DiscordSettings> = async (settings, log) =>
  (await import("../bots/discord/effects.js")).createDiscordEffects(settings, log);

export const ALL_PLATFORMS: PlatformModules = { slack: slackEffects, discord: discordEffects };
