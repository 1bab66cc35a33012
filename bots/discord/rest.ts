import { DiscordAPIError, HTTPError, RateLimitError, REST } from "@discordjs/rest";
import { RESTJSONErrorCodes, Routes } from "discord-api-types/v10";
import * as z from "zod";
import { CALL_TIMEOUT_MS, PermanentEffectError, RetryableEffectError } from "../../core/effects.js";
import type { DiscordSettings } from "../../core/settings.js";

/**
 * The only place the `@discordjs/rest` client is built. It is told never to wait or retry on
 * its own: `retries: 0` makes a 5xx or a network error throw at once, and `rejectOnRateLimit`
 * makes every rate limit (a 429 from Discord, or the client's own pre-emptive bucket and global
 * limits) throw a `RateLimitError` instead of sleeping. The outbox owns retries: `call` turns
 * every failure into a `RetryableEffectError` (with Discord's Retry-After) or a
 * `PermanentEffectError` carrying a moderator-readable issue for the card.
 */
export interface DiscordApi {
  rest: REST;
  /** Runs one REST call, translating its failure for the outbox. */
  call<T>(what: CallContext, fn: (rest: REST) => Promise<T>): Promise<T>;
}

export interface CallContext {
  /** What was being done, for logs and errors: "posting the card in channel 123". */
  action: string;
  /** Moderator-readable issues for specific Discord error codes (shown on the card). */
  issues?: Partial<Record<number, string>>;
}

/** Used when Discord sends a 429 without a usable Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 1_000;
/** A hung call ends here; the outbox starts a call only with this much time left. */
const REQUEST_TIMEOUT_MS = CALL_TIMEOUT_MS;
/** Network errors raised before the request left: nothing can have happened. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

export function createDiscordRest(settings: Pick<DiscordSettings, "apiUrl" | "botToken">): REST {
  return new REST({
    version: "10",
    api: settings.apiUrl.replace(/\/+$/, ""),
    retries: 0,
    rejectOnRateLimit: () => true,
    offset: 0,
    timeout: REQUEST_TIMEOUT_MS,
  }).setToken(settings.botToken);
}

/**
 * The client of the Gateway connection (gateway.ts): `GET /gateway/bot` with the bot token, and
 * the interaction callbacks (no auth). Unlike the outbox's client it may retry and wait out a
 * rate limit itself: nobody else would retry a callback or a reconnect.
 */
export function createGatewayRest(settings: Pick<DiscordSettings, "apiUrl" | "botToken">): REST {
  return new REST({
    version: "10",
    api: settings.apiUrl.replace(/\/+$/, ""),
    retries: 2,
    timeout: 2_500,
  }).setToken(settings.botToken);
}

/**
 * The client of interaction webhooks (a late answer after a deferral: bots/discord/deferral.ts).
 * No token: webhook routes are authorised by the interaction's own. It waits out a rate limit and
 * retries a 5xx itself, like the Gateway's: nobody else would retry a late answer.
 */
export function createWebhookRest(settings: Pick<DiscordSettings, "apiUrl">): REST {
  return new REST({
    version: "10",
    api: settings.apiUrl.replace(/\/+$/, ""),
    retries: 2,
    timeout: 5_000,
  });
}

const applicationSchema = z.object({ id: z.string() });

/** The id of the application the bot token belongs to (`GET /applications/@me`). */
export async function tokenApplicationId(rest: REST): Promise<string> {
  return applicationSchema.parse(await rest.get(Routes.currentApplication())).id;
}

export function createDiscordApi(settings: Pick<DiscordSettings, "apiUrl" | "botToken">): DiscordApi {
  const rest = createDiscordRest(settings);
  return {
    rest,
    async call<T>(context: CallContext, fn: (rest: REST) => Promise<T>): Promise<T> {
      try {
        return await fn(rest);
      } catch (error) {
        // A 401 makes the client forget its token; put it back so the next attempt can succeed
        // once the operator fixes the token (a new deployment) or Discord recovers.
        if (error instanceof DiscordAPIError && error.status === 401) rest.setToken(settings.botToken);
        throw toEffectError(error, context);
      }
    },
  };
}

/** Discord error codes that no retry can fix, with what they mean in general. */
const PERMANENT_CODES: Partial<Record<number, string>> = {
  [RESTJSONErrorCodes.CannotSendMessagesToThisUser]: "Could not DM the applicant: their DMs are closed",
  [RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds]:
    "Could not DM the applicant: they are no longer in a server with the bot",
  [RESTJSONErrorCodes.MissingPermissions]: "The bot lacks a permission it needs",
  [RESTJSONErrorCodes.MissingAccess]: "The bot cannot see the channel it needs",
  [RESTJSONErrorCodes.UnknownRole]: "A configured role does not exist",
  [RESTJSONErrorCodes.UnknownChannel]: "A configured channel does not exist",
  [RESTJSONErrorCodes.UnknownMessage]: "The card message was deleted",
  [RESTJSONErrorCodes.UnknownMember]: "The applicant is no longer in the server",
  [RESTJSONErrorCodes.UnknownUser]: "The applicant's account no longer exists",
  [RESTJSONErrorCodes.UnknownGuild]: "The bot is not in the server",
};

/**
 * Classifies a failed REST call for the outbox. A call that may have been performed without the
 * bot hearing so (a timeout, a dropped connection, a 5xx) is an `unknown-outcome`: the outbox
 * sends it again with the same nonce, which Discord de-duplicates.
 */
export function toEffectError(
  error: unknown,
  context: CallContext,
): RetryableEffectError | PermanentEffectError {
  const what = context.action;
  if (error instanceof RateLimitError) {
    const wait = error.retryAfter > 0 ? error.retryAfter : DEFAULT_RETRY_AFTER_MS;
    return new RetryableEffectError(
      `Discord rate limit while ${what} (route ${error.route}, retry after ${wait} ms)`,
      wait,
      "rate-limited",
    );
  }
  if (error instanceof HTTPError) {
    return new RetryableEffectError(
      `Discord answered ${error.status} while ${what}`,
      undefined,
      "unknown-outcome",
    );
  }
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === "number" ? error.code : undefined;
    if (error.status === 401)
      return new RetryableEffectError(`Discord rejected the bot token (401) while ${what}`);
    if (error.status === 429)
      return new RetryableEffectError(
        `Discord answered 429 while ${what}`,
        DEFAULT_RETRY_AFTER_MS,
        "rate-limited",
      );
    if (error.status >= 500) {
      return new RetryableEffectError(
        `Discord answered ${error.status} while ${what}`,
        undefined,
        "unknown-outcome",
      );
    }
    const issue =
      (code !== undefined ? (context.issues?.[code] ?? PERMANENT_CODES[code]) : undefined) ?? undefined;
    return new PermanentEffectError(
      `Discord refused ${what}: ${error.status} ${code ?? ""} ${error.message}`.replace(/\s+/g, " "),
      issue ?? `Discord refused ${what} (error ${code ?? error.status}: ${firstLine(error.message)})`,
    );
  }
  // Network failures (refused, reset, timed out) and anything unexpected: try again later. Only
  // a request that never left (refused, unknown host) certainly did nothing.
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new RetryableEffectError(
    `Discord call failed while ${what}: ${message}`,
    undefined,
    notSent(error) ? "failed" : "unknown-outcome",
  );
}

function notSent(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.slice(0, 200) ?? "";
}
