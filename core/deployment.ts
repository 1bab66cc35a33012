/**
 * Plain constants shared by the deployment (`sst.config.ts`, `stacks/`) and the app: the names
 * SST links carry into the functions, the worker's stream filter, the sweep schedule and the
 * functions' time limits. The stacks import this file, the settings module and the tests import
 * it too, so a renamed link or a changed key prefix cannot drift apart silently.
 *
 * Nothing here may import anything: `sst.config.ts` bundles it.
 */

/** SST component name of the table; in a function, `Resource.Table.name`. */
export const TABLE_LINK = "Table";

/**
 * SST secrets, and the environment variable each one stands for when SST links are not active
 * (the local server, tests). `npx sst secret set <Name> <value>` sets one.
 */
export const SECRET_ENV = {
  SlackSigningSecret: "SLACK_SIGNING_SECRET",
  SlackBotToken: "SLACK_BOT_TOKEN",
  DiscordPublicKey: "DISCORD_PUBLIC_KEY",
  DiscordApplicationId: "DISCORD_APPLICATION_ID",
  DiscordBotToken: "DISCORD_BOT_TOKEN",
} as const;

export type SecretName = keyof typeof SECRET_ENV;

/** The secrets of each platform: all of them set, or none (the platform is off). */
export const PLATFORM_SECRETS = {
  slack: ["SlackSigningSecret", "SlackBotToken"],
  discord: ["DiscordPublicKey", "DiscordApplicationId", "DiscordBotToken"],
} as const satisfies Record<"slack" | "discord", readonly SecretName[]>;

/**
 * A secret's value until the admin sets it (`new sst.Secret(name, OFF)`): the secret's platform
 * is off. An admin who only uses Discord never sets the Slack secrets, and the deploy still works.
 */
export const OFF = "off";

/** Where the local server serves each platform, and what the deploy outputs for the apps' settings. */
export const ENDPOINT_PATHS = {
  slack: "/slack/events",
  discord: "/discord/interactions",
} as const;

/** Sort-key prefix of outbox entries (`keys.effect` in core/model.ts; a test keeps them equal). */
export const OUTBOX_SK_PREFIX = "EFFECT#";

/**
 * Lambda event filter of the stream worker: only new outbox entries wake it up. Everything else
 * the table writes (requests, audit, seats) is dropped by Lambda before any invocation.
 * Syntax: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
export const OUTBOX_STREAM_FILTER = {
  eventName: ["INSERT"],
  dynamodb: { Keys: { sk: { S: [{ prefix: OUTBOX_SK_PREFIX }] } } },
} as const;

/** The platforms; each has its own worker and sweeper function, bundling only its own client. */
export const PLATFORMS = ["slack", "discord"] as const;

/** The stream filter of one platform's worker: new outbox entries whose `platform` is that one. */
export function outboxStreamFilter(platform: (typeof PLATFORMS)[number]) {
  return {
    eventName: OUTBOX_STREAM_FILTER.eventName,
    dynamodb: { ...OUTBOX_STREAM_FILTER.dynamodb, NewImage: { platform: { S: [platform] } } },
  };
}

/**
 * The scheduled pass (expiry, reminders, waitlist promotion, outbox re-drive) runs this often.
 * Once a minute: a retry that waits longer than the worker's inline retries (a long Retry-After,
 * an outage) resumes within a minute of its due time, and the cost at rest stays in cents.
 */
export const SWEEP_EVERY_MINUTES = 1;

/**
 * Each platform's digest function (functions/<platform>-digest.ts) runs this often and posts its
 * platform's due digest entries (the workers and the sweepers carry no chart and leave them to
 * it). A weekly digest can wait ten minutes; a minute would double the invocations at rest.
 */
export const DIGEST_REDRIVE_EVERY_MINUTES = 10;

/**
 * Time limits of the functions that perform outbox entries. Each must stay below the outbox
 * lease (`LEASE_MS` in core/outbox.ts; a test checks), so an entry's lease outlives the run
 * that holds it and no second run can claim it while the first is still working.
 */
export const WORKER_TIMEOUT_SECONDS = 30;
export const SWEEPER_TIMEOUT_SECONDS = 50;

/**
 * CloudWatch metrics (EMF, written by core/metrics.ts) and the alarms on them (stacks/alarms.ts).
 * Every metric has one dimension, `service`: the app and stage (`metricsService`), so two stages
 * in one account never mix their figures.
 */
export const METRICS_NAMESPACE = "Gatekeeper";

export const METRIC = {
  /** A join request recorded (retried submissions are not counted twice). */
  requestsSubmitted: "RequestsSubmitted",
  /** A moderator's approve or deny that won. */
  decisions: "Decisions",
  /** A request declined at submission by the rules (`onRuleFailure: deny`) or because the community is full. */
  autoDeclines: "AutoDeclines",
  /** Outbox entries performed (card, notice, grant, reminder). */
  effectsPerformed: "EffectsPerformed",
  /** Outbox entries that failed and were scheduled again. */
  effectsRetried: "EffectsRetried",
  /** Outbox entries that failed for good, with the problem shown on the card. */
  effectsFailed: "EffectsFailed",
  /** Outbox entries that gave up and went to the dead-letter index: someone should look. */
  effectsStuck: "EffectsStuck",
  /** An interaction, a stream batch or a sweep that failed unexpectedly. */
  handlerErrors: "HandlerErrors",
  /** Milliseconds from receiving an interaction to its answer. */
  answerTime: "AnswerTime",
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The `service` dimension of a stage's metrics. */
export function metricsService(app: string, stage: string): string {
  return `${app}-${stage}`;
}

/**
 * Native packages the bundler leaves out and the deployment installs into the function package
 * for its architecture (SST `nodejs.install`): the digest chart's rasteriser. Only the digest
 * functions draw charts (functions/effects.ts `drawChart`); the workers and sweepers leave digests to them.
 */
export const NATIVE_PACKAGES = ["@resvg/resvg-js"] as const;

/** The font the digest chart is drawn with, copied next to those functions (core/chart.ts finds it there). */
export const CHART_FONT = {
  from: "node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
  to: "fonts/DejaVuSans.ttf",
} as const;
