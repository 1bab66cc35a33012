import {
  App,
  type Authorize,
  AwsLambdaReceiver,
  LogLevel,
  type Logger as SlackLogger,
  SocketModeReceiver,
  webApi,
} from "@slack/bolt";
import { CALL_TIMEOUT_MS } from "../../core/effects.js";
import type { Logger } from "../../core/log.js";
import type { SlackSettings } from "../../core/settings.js";
import { RECEIVED_AT_HEADER } from "./deadline.js";

/**
 * The only place Slack clients are built.
 *
 * - The Bolt app (interactive path): an `AwsLambdaReceiver` fed by `functions/slack.ts`, which
 *   checks the signature (HMAC v0, 5-minute window, 401) and screens the body first, then hands
 *   Bolt a canonical re-encoding of what it screened (so Bolt's own signature check, over the raw
 *   body, is off); Bolt answers once the listener has finished. Its Web API client never retries
 *   and never waits out a rate limit: a listener has a 3-second budget, and a failed call is
 *   answered, not repeated.
 * - The outbox client (worker path): no retries and rate limits rejected at once, so the outbox
 *   owns every retry (see `errors.ts` for how failures map to retryable and permanent).
 * - The profile client: `users.info` during a form submission, with a short timeout.
 * - The Socket Mode app (the local bot with an app-level token): the same Bolt app and listeners
 *   on a `SocketModeReceiver`, which opens its connection with `apps.connections.open` against
 *   the same API base (so tests point it at a fake) and reconnects on its own.
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

/**
 * Bolt's, the Web API's and Socket Mode's logger interface, over ours. Their debug output quotes
 * whole request and response bodies (answers, notes, profiles, emails), so it is never written,
 * whatever LOG_LEVEL says: logs carry ids, not what people wrote.
 */
export function slackLogger(log: Logger, name = "slack"): SlackLogger {
  let level: LogLevel = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    parts
      .map((p) =>
        p instanceof Error ? `${p.name}: ${p.message}` : typeof p === "string" ? p : JSON.stringify(p),
      )
      .join(" ");
  return {
    debug: () => {},
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

/** `gatekeeper doctor`'s client: the same no-retry policy, a patient timeout. */
export function createDoctorClient(settings: SlackSettings, log: Logger): WebClient {
  return webClient(settings, log, "slack-doctor", OUTBOX_TIMEOUT_MS);
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
 * life of the process. Bolt only uses them to ignore the bot's own events, so no request ever waits
 * for the lookup: until it has answered, requests go on without the ids (a failed lookup is tried
 * again on the next request).
 */
export function botIdentity(settings: SlackSettings, log: Logger): () => BotIdentity {
  const client = webClient(settings, log, "slack-identity", IDENTITY_TIMEOUT_MS);
  let known: BotIdentity | undefined;
  let looking = false;
  return () => {
    if (known) return known;
    if (!looking) {
      looking = true;
      client.auth.test().then(
        (r) => {
          known = { botId: r.bot_id, botUserId: r.user_id };
        },
        (error: unknown) => {
          log.warn("slack auth.test failed; continuing without the bot's ids", { error });
          looking = false;
        },
      );
    }
    return { botId: undefined, botUserId: undefined };
  };
}

export interface BoltParts {
  app: App;
  receiver: AwsLambdaReceiver;
}

/** The Bolt app's options shared by both receivers: local authorization, a short, retry-free client. */
function appOptions(settings: SlackSettings, log: Logger, logger: SlackLogger) {
  const identity = botIdentity(settings, log);
  const authorize: Authorize<boolean> = async () => ({ botToken: settings.botToken, ...identity() });
  return {
    authorize,
    logger,
    convoStore: false as const,
    clientOptions: {
      slackApiUrl: settings.apiUrl,
      retryConfig: NO_RETRIES,
      rejectRateLimitedCalls: true,
      timeout: INTERACTIVE_TIMEOUT_MS,
    },
  };
}

/**
 * The Bolt app on an `AwsLambdaReceiver`. Authorization is local (the single workspace token and
 * the cached ids), so Bolt never calls `auth.test` on its own; listeners are registered by `app.ts`.
 */
export function createBoltApp(settings: SlackSettings, log: Logger): BoltParts {
  const logger = slackLogger(log, "bolt");
  const { signingSecret } = settings;
  if (!signingSecret) throw new Error("Slack over HTTP needs SLACK_SIGNING_SECRET");
  // The edge (functions/slack.ts) has verified the raw body's signature; Bolt sees the screened copy.
  const receiver = new AwsLambdaReceiver({
    signingSecret,
    signatureVerification: false,
    logger,
    // When the handler received the request: every listener answers within a budget from it.
    customPropertiesExtractor: (event) => {
      const stamp = Number(event.headers?.[RECEIVED_AT_HEADER]);
      return Number.isFinite(stamp) ? { receivedAt: stamp } : {};
    },
  });
  const app = new App({ receiver, ...appOptions(settings, log, logger) });
  return { app, receiver };
}

export interface SocketModeParts {
  app: App;
  receiver: SocketModeReceiver;
}

/**
 * The Bolt app on a `SocketModeReceiver` (app-level token). Its connection client keeps Socket
 * Mode's own retry policy for `apps.connections.open` (a network blip while reconnecting is
 * retried, a revoked token is not).
 */
export function createSocketModeApp(settings: SlackSettings, log: Logger): SocketModeParts {
  const { appToken } = settings;
  if (!appToken) throw new Error("Slack Socket Mode needs SLACK_APP_TOKEN");
  const logger = slackLogger(log, "bolt");
  const receiver = new SocketModeReceiver({
    appToken,
    logger: slackLogger(log, "slack-socket-mode"),
    autoReconnectEnabled: true,
    installerOptions: { clientOptions: { slackApiUrl: settings.apiUrl } },
  });
  const app = new App({ receiver, ...appOptions(settings, log, logger) });
  return { app, receiver };
}
