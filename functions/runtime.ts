import { loadConfig } from "../core/config/load.js";
import type { GatekeeperConfig } from "../core/config/schema.js";
import type { Core } from "../core/context.js";
import type { PlatformEffects } from "../core/effects.js";
import { createLogger, type Logger } from "../core/log.js";
import type { Performers } from "../core/outbox.js";
import { loadSettings, type Settings } from "../core/settings.js";
import { createDynamoClient, createStore } from "../core/store/client.js";

/**
 * The composition root: settings, config, the store and the platform adapters, built once per
 * process (per Lambda container) and shared by every handler. The local server builds its own
 * with `createRuntime` and hands it to the same handler factories.
 */
export interface Runtime {
  settings: Settings;
  core: Core;
  /** Side-effect performers of the platforms that are configured. */
  performers: Performers;
}

export interface RuntimeOptions {
  config?: GatekeeperConfig;
  log?: Logger;
  now?: () => Date;
}

export function createRuntime(settings: Settings, options: RuntimeOptions = {}): Runtime {
  const log = options.log ?? createLogger();
  const config = options.config ?? loadConfig(settings.configPath);
  const client = createDynamoClient({ endpoint: settings.dynamodbEndpoint, region: settings.region });
  const core: Core = {
    store: createStore(client, settings.tableName),
    config,
    now: options.now ?? (() => new Date()),
    log,
  };
  const performers: Performers = {};
  const { slack, discord } = settings;
  if (slack) {
    performers.slack = lazyEffects(async () =>
      (await import("../bots/slack/effects.js")).createSlackEffects(slack, log),
    );
  }
  if (discord) {
    performers.discord = lazyEffects(async () =>
      (await import("../bots/discord/effects.js")).createDiscordEffects(discord, log),
    );
  }
  return { settings, core, performers };
}

/**
 * A platform's effects, loaded on first use: the Discord endpoint never evaluates Bolt, the
 * Slack endpoint never evaluates discord.js, and each cold start stays lighter.
 */
function lazyEffects(load: () => Promise<PlatformEffects>): PlatformEffects {
  let loaded: Promise<PlatformEffects> | undefined;
  const get = () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  return {
    postCard: async (state) => (await get()).postCard(state),
    updateCard: async (state, card) => (await get()).updateCard(state, card),
    notify: async (state, notice) => (await get()).notify(state, notice),
    grant: async (state) => (await get()).grant(state),
    remind: async (state) => (await get()).remind(state),
    askApplicant: async (state, round) => (await get()).askApplicant(state, round),
    openThread: async (state, card) => (await get()).openThread(state, card),
    postInThread: async (state, thread, entry) => (await get()).postInThread(state, thread, entry),
    checkMember: async (community, userId) => {
      const effects = await get();
      if (!effects.checkMember) throw new Error("this platform has no member check");
      return effects.checkMember(community, userId);
    },
  };
}

let shared: Runtime | undefined;

/** The process's runtime, from its settings (Lambda: SST links; locally: the environment). */
export function defaultRuntime(): Runtime {
  shared ??= createRuntime(loadSettings());
  return shared;
}

/**
 * A Lambda handler that builds its real handler on first use: nothing is read or connected at
 * import time, and a warm container reuses what the first call built.
 */
export function lazyHandler<E, R>(
  build: (runtime: Runtime) => (event: E, context: unknown) => Promise<R>,
): (event: E, context: unknown) => Promise<R> {
  let built: ((event: E, context: unknown) => Promise<R>) | undefined;
  return (event, context) => {
    built ??= build(defaultRuntime());
    return built(event, context);
  };
}
