import type { Core } from "../../../core/context.js";
import type { Logger } from "../../../core/log.js";
import type { Text } from "../../../core/text.js";
import { type Deadline, within } from "../deadline.js";
import type { BlockAction } from "../payloads.js";
import { toMrkdwn } from "../render.js";
import type { WebClient } from "../web-client.js";

/** What every listener gets: the core, a logger and the profile client (`users.info`). */
export interface ListenerDeps {
  core: Core;
  log: Logger;
  profiles: WebClient;
}

/**
 * An ephemeral reply to whoever clicked a button on the card, in the card's channel. Best effort,
 * within what is left of the answer budget: a failure or a late answer is logged, never turned
 * into an error answer (nothing changed anyway).
 */
export async function tellClicker(
  client: WebClient,
  body: BlockAction,
  message: Text,
  log: Logger,
  deadline: Deadline,
): Promise<void> {
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!channel) {
    log.warn("slack click without a channel; cannot answer ephemerally", { user: body.user.id });
    return;
  }
  try {
    await within(
      deadline,
      client.chat.postEphemeral({ channel, user: body.user.id, text: toMrkdwn(message) }),
    );
  } catch (error) {
    log.warn("slack chat.postEphemeral failed", { channel, user: body.user.id, error });
  }
}

/** Milliseconds since `started`, for the interaction logs. */
export const since = (started: number): number => Date.now() - started;
