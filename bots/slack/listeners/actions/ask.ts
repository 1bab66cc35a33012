import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Messages from "../../../../core/messages.js";
import { askForm } from "../../../../core/usecases/interview.js";
import { askReply } from "../../../../core/usecases/replies.js";
import { askModal } from "../../blocks/modals.js";
import { type ListenerDeps, openModalOrTell, since, tellClicker } from "../deps.js";
import { onCardClick } from "./guard.js";

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
    await openModalOrTell(
      client,
      body,
      askModal(outcome.request, outcome.community, channel),
      Messages.FORM_DID_NOT_OPEN,
      log,
      deadline,
      { modal: "question", requestId },
    );
    log.info("slack ask clicked", { requestId, moderator: origin.userId, ms: since(started) });
  });
}
