import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import { decide } from "../../../../core/usecases/decide.js";
import { decisionReply } from "../../../../core/usecases/replies.js";
import { type ListenerDeps, since, tellClicker } from "../deps.js";
import { onCardClick } from "./guard.js";

/**
 * Approve on the card: the decide use case records it (one wins, however many clicks); the invite,
 * the notice and the card update are outbox work. A click that loses, comes from a non-moderator
 * or meets a full community is answered ephemerally and changes nothing.
 */
export function approveAction(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  const { core, log } = deps;
  return onCardClick(deps, async ({ body, origin, requestId, deadline }, client, started) => {
    const outcome = await decide(core, origin, { requestId, outcome: "approve" });
    const reply = decisionReply(outcome);
    if (reply) await tellClicker(client, body, reply, log, deadline);
    log.info("slack approve handled", {
      requestId,
      moderator: origin.userId,
      outcome: outcome.kind,
      ms: since(started),
    });
  });
}
