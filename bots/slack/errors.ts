import { ErrorCode } from "@slack/web-api";
import { PermanentEffectError, RetryableEffectError } from "../../core/effects.js";

/**
 * How a failed Slack Web API call maps onto the outbox's two kinds of failure: worth retrying
 * (rate limits, 5xx, network trouble, Slack's own transient errors) or not (a channel that is
 * gone, a user the bot cannot reach, a missing scope), with a sentence for the moderators.
 */

/** Slack `error` codes that say "try again later". */
const TRANSIENT = new Set(["team_added_to_org"]);
/** …and those that also say "part of it may have happened" (Slack's docs on `fatal_error`). */
const MAYBE_DONE = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout"]);
const RATE_LIMITED = new Set(["ratelimited", "rate_limited"]);
/** Network errors raised before the request left: nothing can have happened. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ERR_INVALID_URL"]);

/** What the bot was doing, for the moderator-readable issue. */
export type Attempt =
  | { kind: "card"; channel: string }
  | { kind: "card.update"; channel: string }
  | { kind: "notice" }
  | { kind: "grant"; channel: string }
  | { kind: "remind"; channel: string }
  | { kind: "alert"; channel: string }
  | { kind: "thread"; channel: string }
  | { kind: "home"; channel: string }
  | { kind: "digest"; channel: string };

/** The Slack `error` code of a platform error, if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (!isCoded(error) || error.code !== ErrorCode.PlatformError) return undefined;
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === "string" ? data.error : undefined;
}

function isCoded(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === "string";
}

/**
 * Classifies a failed Web API call; errors that are not Slack's are returned unchanged. A call
 * that may have been performed without the bot hearing so (a timeout, a dropped connection, a
 * 5xx, Slack's `fatal_error`) is an `unknown-outcome`: the outbox looks for it before re-sending.
 */
export function toEffectError(error: unknown, attempt: Attempt): unknown {
  if (!isCoded(error)) return error;
  switch (error.code) {
    case ErrorCode.RateLimitedError: {
      const seconds = (error as { retryAfter?: unknown }).retryAfter;
      const ms =
        typeof seconds === "number" && Number.isFinite(seconds) ? Math.max(0, seconds) * 1000 : undefined;
      return new RetryableEffectError(
        `Slack rate limit (retry after ${seconds ?? "?"} s)`,
        ms,
        "rate-limited",
      );
    }
    case ErrorCode.HTTPError: {
      const status = (error as { statusCode?: unknown }).statusCode;
      const maybeDone = typeof status !== "number" || status >= 500;
      return new RetryableEffectError(
        `Slack answered HTTP ${String(status)}`,
        undefined,
        maybeDone ? "unknown-outcome" : "failed",
      );
    }
    case ErrorCode.RequestError: {
      const original = (error as { original?: { code?: unknown } }).original;
      const sent = !(typeof original?.code === "string" && NOT_SENT.has(original.code));
      return new RetryableEffectError(
        `Slack request failed: ${error.message}`,
        undefined,
        sent ? "unknown-outcome" : "failed",
      );
    }
    case ErrorCode.PlatformError: {
      const code = slackErrorCode(error) ?? "unknown_error";
      if (RATE_LIMITED.has(code))
        return new RetryableEffectError(`Slack error ${code}`, undefined, "rate-limited");
      if (MAYBE_DONE.has(code))
        return new RetryableEffectError(`Slack error ${code}`, undefined, "unknown-outcome");
      if (TRANSIENT.has(code)) return new RetryableEffectError(`Slack error ${code}`);
      return new PermanentEffectError(`Slack error ${code}`, issueFor(code, attempt, error));
    }
    default:
      return error;
  }
}

function issueFor(code: string, attempt: Attempt, error: Error): string {
  const what = describe(attempt);
  const needed = (error as { data?: { needed?: unknown } }).data?.needed;
  switch (code) {
    case "missing_scope":
      return `${what}: the app is missing the ${typeof needed === "string" ? needed : "required"} scope; reinstall it from the manifest.`;
    case "not_in_channel":
      return `${what}: the bot is not a member of ${where(attempt)}; add it to the channel (/invite @Gatekeeper).`;
    case "channel_not_found":
      return attempt.kind === "notice"
        ? `${what}: Slack could not open a direct message with the applicant.`
        : `${what}: ${where(attempt)} does not exist or the bot cannot see it.`;
    case "is_archived":
      return `${what}: ${where(attempt)} is archived.`;
    case "cannot_dm_bot":
      return `${what}: the applicant is a bot account.`;
    case "user_not_found":
      return `${what}: the applicant's account no longer exists.`;
    case "user_disabled":
    case "account_inactive":
      return `${what}: the applicant's account is deactivated.`;
    case "messages_tab_disabled":
      return `${what}: the app's Messages tab is turned off; enable it in the app settings.`;
    case "user_is_restricted":
    case "user_is_ultra_restricted":
      return `${what}: the applicant is a guest account and cannot be added to ${where(attempt)}.`;
    case "cant_invite":
    case "no_permission":
    case "restricted_action":
      return `${what}: Slack does not allow the bot to do this in ${where(attempt)}.`;
    case "invalid_auth":
    case "not_authed":
    case "token_revoked":
    case "token_expired":
      return `${what}: the bot's token is not valid (${code}); reinstall the app.`;
    default:
      return `${what}: Slack answered ${code}.`;
  }
}

function describe(attempt: Attempt): string {
  switch (attempt.kind) {
    case "card":
      return "Could not post the card";
    case "card.update":
      return "Could not update the card";
    case "notice":
      return "Could not message the applicant";
    case "grant":
      return `Could not add the applicant to channel ${attempt.channel}`;
    case "remind":
      return "Could not post the reminder";
    case "alert":
      return "Could not post a notice to the review channel";
    case "thread":
      return "Could not post in the card's thread";
    case "home":
      return "Could not publish a moderator's App Home";
    case "digest":
      return "Could not post the weekly digest";
  }
}

function where(attempt: Attempt): string {
  return attempt.kind === "notice" ? "the conversation" : `channel ${attempt.channel}`;
}
