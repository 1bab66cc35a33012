import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Messages from "../../../../core/messages.js";
import { denyForm } from "../../../../core/usecases/decide.js";
import { decisionReply } from "../../../../core/usecases/replies.js";
import { denyModal } from "../../blocks/modals.js";
import { type ListenerDeps, openModalOrTell, since, tellClicker } from "../deps.js";
import { onCardClick } from "./guard.js";

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
    await openModalOrTell(
      client,
      body,
      denyModal(outcome.request, outcome.community, outcome.prefill, channel),
      Messages.REASON_FORM_DID_NOT_OPEN,
      log,
      deadline,
      { modal: "deny reason", requestId },
    );
    log.info("slack deny clicked", { requestId, moderator: origin.userId, ms: since(started) });
  });
}
