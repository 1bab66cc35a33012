import {
  App,
  type Authorize,
  AwsLambdaReceiver,
  type Logger as SlackLogger,
  SocketModeReceiver,
} from "@slack/bolt";
import type { Logger } from "../../core/log.js";
import type { SlackSettings } from "../../core/settings.js";
import { RECEIVED_AT_HEADER } from "./deadline.js";
import { botIdentity, INTERACTIVE_TIMEOUT_MS, NO_RETRIES, slackLogger } from "./web-client.js";

/**
 * The only place the Bolt apps are built (Web API clients: `web-client.ts`, which the worker and
 * the sweeper use without loading Bolt).
 *
 * - The Bolt app (interactive path): an `AwsLambdaReceiver` fed by `functions/slack.ts`, which
 *   checks the signature (HMAC v0, 5-minute window, 401) and screens the body first, then hands
 *   Bolt a canonical re-encoding of what it screened (so Bolt's own signature check, over the raw
 *   body, is off); Bolt answers once the listener has finished. Its Web API client never retries
 *   and never waits out a rate limit: a listener has a 3-second budget, and a failed call is
 *   answered, not repeated.
 * - The Socket Mode app (the local bot with an app-level token): the same Bolt app and listeners
 *   on a `SocketModeReceiver`, which opens its connection with `apps.connections.open` against
 *   the same API base (so tests point it at a fake) and reconnects on its own.
 */

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
