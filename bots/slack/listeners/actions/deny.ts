import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Messages from "../../../../core/messages.js";
import { denyForm } from "../../../../core/usecases/decide.js";
import { decisionReply } from "../../../../core/usecases/replies.js";
import { denyModal } from "../../blocks/modals.js";
import { within } from "../../deadline.js";
import { slackErrorCode } from "../../errors.js";
import { type ListenerDeps, since, tellClicker } from "../deps.js";
import { onCardClick } from "./guard.js";

/** Kept after `views.open` so that a failure can still be told to the moderator in time. */
const EPHEMERAL_RESERVE_MS = 500;

/**
 * Deny on the card: opens the reason modal (pre-filled with the failed rules) for a moderator.
 * Nothing is decided until that modal is submitted (`views/deny-submit.ts`).
 */
export function denyAction(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  const { core, log } = deps;
  return onCardClick(deps, async ({ body, origin, requestId, deadline }, client, started) => {
    const outcome = await denyForm(core, origin, requestId);
    if (outcome.kind !== "form") {
      const reply = decisionReply(outcome);
      if (reply) await tellClicker(client, body, reply, log, deadline);
      return;
    }
    const channel = body.channel?.id ?? body.container?.channel_id;
    try {
      await within(
        deadline,
        client.views.open({
          trigger_id: body.trigger_id,
          view: denyModal(outcome.request, outcome.community, outcome.prefill, channel),
        }),
        EPHEMERAL_RESERVE_MS,
      );
    } catch (error) {
      log.warn("slack views.open (deny reason) failed", { requestId, code: slackErrorCode(error), error });
      await tellClicker(client, body, Messages.REASON_FORM_DID_NOT_OPEN, log, deadline);
    }
    log.info("slack deny clicked", { requestId, moderator: origin.userId, ms: since(started) });
  });
}
