import { App, type Authorize, AwsLambdaReceiver } from "@slack/bolt";
import type { Logger } from "../../core/log.js";
import type { SlackSettings } from "../../core/settings.js";
import { botIdentity, INTERACTIVE_TIMEOUT_MS, NO_RETRIES, slackLogger } from "./web-client.js";

/**
 * The only place the Bolt app is built (Web API clients: `web-client.ts`, which the outbox uses
 * without loading Bolt). An `AwsLambdaReceiver` checks signatures (HMAC v0, 5-minute window, 401)
 * and Bolt answers once the listener has finished. Its Web API client never retries and never
 * waits out a rate limit: a listener has a 3-second budget, and a failed call is answered, not
 * repeated.
 */
export { createProfileClient, type WebClient } from "./web-client.js";

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
