import { LogLevel, type Logger as SlackLogger, WebClient } from "@slack/web-api";
import { CALL_TIMEOUT_MS } from "../../core/effects.js";
import type { Logger } from "../../core/log.js";
import type { SlackSettings } from "../../core/settings.js";

/**
 * The only place Slack Web API clients are built (the Bolt apps are built in `client.ts`). This
 * module loads `@slack/web-api` only, not Bolt: the outbox worker and the sweeper, which post cards
 * and notices but never receive a Slack request, bundle it without Bolt's receivers and Express.
 *
 * - The outbox client (worker path): no retries and rate limits rejected at once, so the outbox
 *   owns every retry (see `errors.ts` for how failures map to retryable and permanent).
 * - The doctor client: the same policy, a patient timeout.
 * - The profile client: `users.info` during a form submission, with a short timeout.
 */

/** Web API calls made while Slack waits for the answer: short, no retries. */
export const INTERACTIVE_TIMEOUT_MS = 2_000;
/** `users.info` on submission: past this the request is recorded with the profile unavailable. */
export const PROFILE_TIMEOUT_MS = 1_500;
/**
 * Effects run after the answer; a hung call ends well inside the outbox lease, and the outbox
 * starts a call only with this much time left before its deadline.
 */
const OUTBOX_TIMEOUT_MS = CALL_TIMEOUT_MS;
/** `auth.test` for the bot's own ids (see `botIdentity`). */
const IDENTITY_TIMEOUT_MS = 1_000;

export const NO_RETRIES = { retries: 0 } as const;

export type { WebClient };

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
  return new WebClient(settings.botToken, {
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
