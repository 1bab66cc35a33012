import { createDiscordEffects } from "../bots/discord/effects.js";
import { createSlackEffects } from "../bots/slack/effects.js";
import { loadConfig } from "../core/config/load.js";
import type { GatekeeperConfig } from "../core/config/schema.js";
import type { Core } from "../core/context.js";
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
  if (settings.slack) performers.slack = createSlackEffects(settings.slack, log);
  if (settings.discord) performers.discord = createDiscordEffects(settings.discord, log);
  return { settings, core, performers };
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
