import type { Core } from "../../../core/context.js";
import type { Logger } from "../../../core/log.js";
import type { Text } from "../../../core/text.js";
import { type Deadline, within } from "../deadline.js";
import { slackErrorCode } from "../errors.js";
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

/** Kept after `views.open` so that a failure can still be told to the clicker in time. */
const EPHEMERAL_RESERVE_MS = 500;

/**
 * Opens a modal from a click on the card within the answer budget; if it does not open (an error,
 * or too late), the clicker is told `fallback` ephemerally instead.
 */
export async function openModalOrTell(
  client: WebClient,
  body: BlockAction,
  view: Parameters<WebClient["views"]["open"]>[0]["view"],
  fallback: Text,
  log: Logger,
  deadline: Deadline,
  what: { modal: string; requestId: string },
): Promise<void> {
  try {
    await within(deadline, client.views.open({ trigger_id: body.trigger_id, view }), EPHEMERAL_RESERVE_MS);
  } catch (error) {
    log.warn(`slack views.open (${what.modal}) failed`, {
      requestId: what.requestId,
      code: slackErrorCode(error),
      error,
    });
    await tellClicker(client, body, fallback, log, deadline);
  }
}

/** Milliseconds since `started`, for the interaction logs. */
export const since = (started: number): number => Date.now() - started;
