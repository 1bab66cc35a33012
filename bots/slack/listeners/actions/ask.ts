import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Messages from "../../../../core/messages.js";
import { askForm } from "../../../../core/usecases/interview.js";
import { askReply } from "../../../../core/usecases/replies.js";
import { askModal } from "../../blocks/modals.js";
import { within } from "../../deadline.js";
import { slackErrorCode } from "../../errors.js";
import { type ListenerDeps, since, tellClicker } from "../deps.js";
import { onCardClick } from "./guard.js";

/** Kept after `views.open` so that a failure can still be told to the moderator in time. */
const EPHEMERAL_RESERVE_MS = 500;

/**
 * "Ask a question" on the card: opens the question modal for a moderator of a pending request with
 * no open question. Nothing is recorded until the modal comes back (`views/ask-submit.ts`).
 */
export function askAction(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  const { core, log } = deps;
  return onCardClick(deps, async ({ body, origin, requestId, deadline }, client, started) => {
    const outcome = await askForm(core, origin, requestId);
    if (outcome.kind !== "form") {
      const reply = askReply(outcome);
      if (reply) await tellClicker(client, body, reply, log, deadline);
      return;
    }
    const channel = body.channel?.id ?? body.container?.channel_id;
    try {
      await within(
        deadline,
        client.views.open({
          trigger_id: body.trigger_id,
          view: askModal(outcome.request, outcome.community, channel),
        }),
        EPHEMERAL_RESERVE_MS,
      );
    } catch (error) {
      log.warn("slack views.open (question) failed", { requestId, code: slackErrorCode(error), error });
      await tellClicker(client, body, Messages.FORM_DID_NOT_OPEN, log, deadline);
    }
    log.info("slack ask clicked", { requestId, moderator: origin.userId, ms: since(started) });
  });
}
