import {
  App,
  type Authorize,
  AwsLambdaReceiver,
  LogLevel,
  type Logger as SlackLogger,
  webApi,
} from "@slack/bolt";
import { CALL_TIMEOUT_MS } from "../../core/effects.js";
import type { Logger } from "../../core/log.js";
import type { SlackSettings } from "../../core/settings.js";

/**
 * The only place Slack clients are built.
 *
 * - The Bolt app (interactive path): an `AwsLambdaReceiver` checks signatures (HMAC v0, 5-minute
 *   window, 401) and Bolt answers once the listener has finished. Its Web API client never retries
 *   and never waits out a rate limit: a listener has a 3-second budget, and a failed call is
 *   answered, not repeated.
 * - The outbox client (worker path): no retries and rate limits rejected at once, so the outbox
 *   owns every retry (see `errors.ts` for how failures map to retryable and permanent).
 * - The profile client: `users.info` during a form submission, with a short timeout.
 */

/** Web API calls made while Slack waits for the answer: short, no retries. */
const INTERACTIVE_TIMEOUT_MS = 2_000;
/** `users.info` on submission: past this the request is recorded with the profile unavailable. */
export const PROFILE_TIMEOUT_MS = 1_500;
/**
 * Effects run after the answer; a hung call ends well inside the outbox lease, and the outbox
 * starts a call only with this much time left before its deadline.
 */
const OUTBOX_TIMEOUT_MS = CALL_TIMEOUT_MS;
/** `auth.test` for the bot's own ids (see `botIdentity`). */
const IDENTITY_TIMEOUT_MS = 1_000;

const NO_RETRIES = { retries: 0 } as const;

export type WebClient = webApi.WebClient;

/** Bolt's and the Web API's logger interface, over ours. */
export function slackLogger(log: Logger, name = "slack"): SlackLogger {
  let level: LogLevel = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    parts
      .map((p) =>
        p instanceof Error ? `${p.name}: ${p.message}` : typeof p === "string" ? p : JSON.stringify(p),
      )
      .join(" ");
  return {
    debug: (...m: unknown[]) => log.debug(text(m), { source: name }),
    info: (...m: unknown[]) => log.info(text(m), { source: name }),
    warn: (...m: unknown[]) => log.warn(text(m), { source: name }),
    error: (...m: unknown[]) => log.error(text(m), { source: name }),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
    },
  };
}

function webClient(settings: SlackSettings, log: Logger, name: string, timeout: number): WebClient {
  return new webApi.WebClient(settings.botToken, {
    slackApiUrl: settings.apiUrl,
    retryConfig: NO_RETRIES,
    rejectRateLimitedCalls: true,
    timeout,
    logger: slackLogger(log, name),
  });
}

/** The outbox's client: every failure surfaces at once for the outbox to classify and retry. */
export function createOutboxClient(settings: SlackSettings, log: Logger): WebClient {
  return webClient(settings, log, "slack-outbox", OUTBOX_TIMEOUT_MS);
}

/** The client for `users.info` on form submission. */
export function createProfileClient(settings: SlackSettings, log: Logger): WebClient {
  return webClient(settings, log, "slack-profile", PROFILE_TIMEOUT_MS);
}

export interface BotIdentity {
  botId: string | undefined;
  botUserId: string | undefined;
}

/**
 * The bot's own ids, from one `auth.test`, made on first use (never at import) and cached for the
 * life of the process. Bolt only uses them to ignore the bot's own events, so a failed lookup
 * costs nothing but a retry on the next request.
 */
export function botIdentity(settings: SlackSettings, log: Logger): () => Promise<BotIdentity> {
  const client = webClient(settings, log, "slack-identity", IDENTITY_TIMEOUT_MS);
  let known: Promise<BotIdentity> | undefined;
  return () => {
    known ??= client.auth.test().then(
      (r) => ({ botId: r.bot_id, botUserId: r.user_id }),
      (error: unknown) => {
        log.warn("slack auth.test failed; continuing without the bot's ids", { error });
        known = undefined;
        return { botId: undefined, botUserId: undefined };
      },
    );
    return known;
  };
}

export interface BoltParts {
  app: App;
  receiver: AwsLambdaReceiver;
}

/**
 * The Bolt app on an `AwsLambdaReceiver`. Authorization is local (the single workspace token and
 * the cached ids), so Bolt never calls `auth.test` on its own; listeners are registered by `app.ts`.
 */
export function createBoltApp(settings: SlackSettings, log: Logger): BoltParts {
  const logger = slackLogger(log, "bolt");
  const receiver = new AwsLambdaReceiver({ signingSecret: settings.signingSecret, logger });
  const identity = botIdentity(settings, log);
  const authorize: Authorize<boolean> = async () => ({ botToken: settings.botToken, ...(await identity()) });
  const app = new App({
    receiver,
    authorize,
    logger,
    convoStore: false,
    clientOptions: {
      slackApiUrl: settings.apiUrl,
      retryConfig: NO_RETRIES,
      rejectRateLimitedCalls: true,
      timeout: INTERACTIVE_TIMEOUT_MS,
    },
  });
  return { app, receiver };
}
