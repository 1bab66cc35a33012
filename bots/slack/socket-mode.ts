import * as z from "zod";
import type { Core } from "../../core/context.js";
import type { Logger } from "../../core/log.js";
import type { SlackSettings } from "../../core/settings.js";
import { createSlackSocketApp } from "./app.js";

/**
 * Slack over Socket Mode, for the local bot: no public URL, no tunnel. Bolt's `SocketModeReceiver`
 * asks `apps.connections.open` (with the app-level token) for a WebSocket URL, connects, and
 * receives slash commands, interactivity and events as envelopes that it acknowledges with the
 * listener's answer. The listeners are the very ones Lambda runs (`registerListeners`).
 *
 * When the connection drops, or Slack asks the client to move (`disconnect` messages, sent every
 * few hours), the client fetches a new URL and reconnects on its own. Envelopes Slack could not
 * deliver meanwhile are retried by Slack, like unanswered HTTP requests.
 */
export interface SlackSocketMode {
  stop(): Promise<void>;
}

/** A Web API error as `@slack/web-api` throws it: `{ data: { error: "invalid_auth" } }`. */
const platformError = z.object({ data: z.object({ error: z.string() }) });

export class SlackConnectError extends Error {
  override name = "SlackConnectError";
}

export async function startSlackSocketMode(
  core: Core,
  settings: SlackSettings,
  log: Logger,
): Promise<SlackSocketMode> {
  const { app, receiver } = createSlackSocketApp(core, settings, log);
  const client = receiver.client;
  let connections = 0;
  client.on("connected", () => {
    connections++;
    log.info(connections === 1 ? "slack socket mode connected" : "slack socket mode reconnected", {
      connections,
    });
  });
  client.on("reconnecting", () => log.warn("slack socket mode connection lost: reconnecting"));
  try {
    await app.start();
  } catch (error) {
    await app.stop().catch(() => undefined);
    const platform = platformError.safeParse(error);
    const code = platform.success
      ? platform.data.data.error
      : error instanceof Error
        ? error.message
        : String(error);
    throw new SlackConnectError(
      `Slack Socket Mode could not connect (${code}): check SLACK_APP_TOKEN (an app-level token with ` +
        "connections:write, from Basic Information → App-Level Tokens) and that Socket Mode is on for the app.",
    );
  }
  return {
    async stop() {
      await app.stop();
    },
  };
}
