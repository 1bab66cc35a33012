import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Messages from "../../../../core/messages.js";
import { denyForm } from "../../../../core/usecases/decide.js";
import { decisionReply } from "../../../../core/usecases/replies.js";
import { denyModal } from "../../blocks/modals.js";
import { slackErrorCode } from "../../errors.js";
import { type ListenerDeps, since, tellClicker } from "../deps.js";
import { onCardClick } from "./guard.js";

/**
 * Deny on the card: opens the reason modal (pre-filled with the failed rules) for a moderator.
 * Nothing is decided until that modal is submitted (`views/deny-submit.ts`).
 */
export function denyAction(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  const { core, log } = deps;
  return onCardClick(deps, async ({ body, origin, requestId }, client, started) => {
    const outcome = await denyForm(core, origin, requestId);
    if (outcome.kind !== "form") {
      const reply = decisionReply(outcome);
      if (reply) await tellClicker(client, body, reply, log);
      return;
    }
    const channel = body.channel?.id ?? body.container?.channel_id;
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: denyModal(outcome.request, outcome.community, outcome.prefill, channel),
      });
    } catch (error) {
      log.warn("slack views.open (deny reason) failed", { requestId, code: slackErrorCode(error), error });
      await tellClicker(client, body, Messages.REASON_FORM_DID_NOT_OPEN, log);
    }
    log.info("slack deny clicked", { requestId, moderator: origin.userId, ms: since(started) });
  });
}
