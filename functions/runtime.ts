import * as z from "zod";
import { readCompiledConfig } from "../core/config/compiled.js";
import type { GatekeeperConfig } from "../core/config/schema.js";
import type { ChartDrawer, Core } from "../core/context.js";
import type { PlatformEffects } from "../core/effects.js";
import { createLogger, type Logger, withLogContext } from "../core/log.js";
import { createMetrics, type Metrics, noMetrics } from "../core/metrics.js";
import type { Performers } from "../core/outbox.js";
import { type DiscordSettings, loadSettings, type Settings, type SlackSettings } from "../core/settings.js";
import { createDynamoClient, createStore } from "../core/store/client.js";

/**
 * The composition root: settings, config, the store and the platform adapters, built once per
 * process (per Lambda container) and shared by every handler. The local server builds its own
 * with `createRuntime` and hands it to the same handler factories.
 *
 * Which platforms' side effects a process can perform is injected (`platforms`), not imported
 * here: SST bundles each function into one file, dynamic imports included, so a module that
 * named both platforms would put Bolt into the Discord function and discord.js into the Slack
 * one. Each Lambda entry names what it runs (functions/effects.ts); the endpoints perform no
 * effects at all.
 */
export interface Runtime {
  settings: Settings;
  core: Core;
  /** Side-effect performers of the platforms that are configured. */
  performers: Performers;
  /** The same metrics as `core.metrics`; flushed at the end of each Lambda invocation. */
  metrics: Metrics;
}

/** Builds a platform's side effects; called on the first effect of that platform, not at start-up. */
export type EffectsFactory<S> = (settings: S, log: Logger) => Promise<PlatformEffects>;

export interface PlatformModules {
  slack?: EffectsFactory<SlackSettings>;
  discord?: EffectsFactory<DiscordSettings>;
  /** The digest's chart (`Core.drawChart`): only where digests are posted. */
  drawChart?: ChartDrawer;
}

export interface RuntimeOptions {
  /** The communities; default: the compiled (JSON) file at `settings.configPath`, as deployed. */
  config?: GatekeeperConfig;
  log?: Logger;
  /** Default: EMF on stdout when deployed (settings.metricsService), none otherwise. */
  metrics?: Metrics;
  now?: () => Date;
  /** The outbox's clock (leases, retry times); default: the wall clock. See `Core.outboxNow`. */
  outboxNow?: () => Date;
  /** The platforms whose effects this process performs (when configured); default none. */
  platforms?: PlatformModules;
}

export function createRuntime(settings: Settings, options: RuntimeOptions = {}): Runtime {
  const log = options.log ?? createLogger(settings.logLevel, undefined, settings.logFormat);
  const metrics =
    options.metrics ??
    (settings.metricsService ? createMetrics({ service: settings.metricsService }) : noMetrics);
  const config = options.config ?? readCompiledConfig(settings.configPath);
  const client = createDynamoClient({ endpoint: settings.dynamodbEndpoint, region: settings.region });
  const core: Core = {
    store: createStore(client, settings.tableName),
    config,
    now: options.now ?? (() => new Date()),
    log,
    metrics,
    ...(options.outboxNow ? { outboxNow: options.outboxNow } : {}),
    ...(options.platforms?.drawChart ? { drawChart: options.platforms.drawChart } : {}),
  };
  const performers: Performers = {};
  const { slack, discord } = settings;
  const platforms = options.platforms ?? {};
  if (slack && platforms.slack) {
    const build = platforms.slack;
    performers.slack = lazyEffects(() => build(slack, log));
  }
  if (discord && platforms.discord) {
    const build = platforms.discord;
    performers.discord = lazyEffects(() => build(discord, log));
  }
  return { settings, core, performers, metrics };
}

/** A platform's effects, built on first use: a worker that only ever sees Slack entries never builds Discord's. */
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
    postCard: async (state, ctx) => (await get()).postCard(state, ctx),
    updateCard: async (state, card, ctx) => (await get()).updateCard(state, card, ctx),
    notify: async (state, notice, ctx) => (await get()).notify(state, notice, ctx),
    grant: async (state, ctx) => (await get()).grant(state, ctx),
    revoke: async (state, ctx) => (await get()).revoke(state, ctx),
    remind: async (state, ctx) => (await get()).remind(state, ctx),
    alert: async (state, text, ctx) => (await get()).alert(state, text, ctx),
    askApplicant: async (state, round, ctx) => (await get()).askApplicant(state, round, ctx),
    openThread: async (state, card, ctx) => (await get()).openThread(state, card, ctx),
    postInThread: async (state, thread, entry, ctx) => (await get()).postInThread(state, thread, entry, ctx),
    checkMember: async (community, userId) => {
      const effects = await get();
      if (!effects.checkMember) throw new Error("this platform has no member check");
      return effects.checkMember(community, userId);
    },
    // Optional surfaces: skipped (resolved, nothing done) when the platform has none.
    publishHome: async (view, ctx) => (await get()).publishHome?.(view, ctx),
    reportBulk: async (report, ctx) => (await get()).reportBulk?.(report, ctx),
    postDigest: async (digest, ctx) => (await get()).postDigest?.(digest, ctx),
  };
}

let shared: Runtime | undefined;

/** The process's runtime, from its settings (Lambda: SST links; locally: the environment). */
export function defaultRuntime(platforms: PlatformModules = {}): Runtime {
  shared ??= createRuntime(loadSettings(), { platforms });
  return shared;
}

const lambdaContext = z.object({ awsRequestId: z.string() });

/**
 * A Lambda handler that builds its real handler on first use: nothing is read or connected at
 * import time, and a warm container reuses what the first call built. Every line logged during
 * an invocation carries its Lambda request id, and the metrics it recorded are written (EMF) when
 * it ends.
 */
export function lazyHandler<E, R>(
  build: (runtime: Runtime) => (event: E, context: unknown) => Promise<R>,
  platforms: PlatformModules = {},
): (event: E, context: unknown) => Promise<R> {
  let built: ((event: E, context: unknown) => Promise<R>) | undefined;
  return async (event, context) => {
    const runtime = defaultRuntime(platforms);
    built ??= build(runtime);
    const handler = built;
    const invocation = lambdaContext.safeParse(context);
    try {
      return await withLogContext(
        invocation.success ? { awsRequestId: invocation.data.awsRequestId } : {},
        () => handler(event, context),
      );
    } finally {
      runtime.metrics.flush();
    }
  };
}

/** Time left in this invocation: Lambda's own count when there is one, else the deployed limit. */
export function remainingMs(context: unknown, fallbackSeconds: number): number {
  if (typeof context === "object" && context !== null && "getRemainingTimeInMillis" in context) {
    const remaining = context.getRemainingTimeInMillis;
    if (typeof remaining === "function") {
      const ms: unknown = remaining.call(context);
      if (typeof ms === "number" && Number.isFinite(ms)) return ms;
    }
  }
  return fallbackSeconds * 1000;
}
