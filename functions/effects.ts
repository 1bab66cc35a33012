import type { ChartDrawer } from "../core/context.js";
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

/**
 * The weekly digest's chart (vega, vega-lite, and @resvg/resvg-js, which the deployment installs
 * natively): only the outbox workers name it, and load it on the first digest they post.
 */
export const drawChart: ChartDrawer = async (weeks, title) =>
  (await import("../core/chart.js")).renderWeeklyChart(weeks, title);

/** Everything: the processes that do all the work in one (the local server, the CLI). */
export const ALL_PLATFORMS: PlatformModules = { slack: slackEffects, discord: discordEffects, drawChart };
