import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import { decide } from "../../../../core/usecases/decide.js";
import { decisionReply } from "../../../../core/usecases/replies.js";
import { afterAnswer, REPLY_RESERVE_MS, raceDeadline } from "../../deadline.js";
import { type ListenerDeps, since, tellClicker } from "../deps.js";
import { onCardClick } from "./guard.js";

/**
 * Approve on the card: the decide use case records it (one wins, however many clicks); the invite,
 * the notice and the card update are outbox work. A click that loses, comes from a non-moderator
 * or meets a full community is answered ephemerally and changes nothing.
 *
 * The answer never waits past the budget for the store: a decision still being recorded when the
 * budget runs out (a burst of clicks queueing on the table) is finished after the answer, and its
 * reply, if any, goes ephemerally to the clicker then.
 */
export function approveAction(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  const { core, log } = deps;
  return onCardClick(deps, async ({ body, origin, requestId, deadline }, client, started) => {
    const raced = await raceDeadline(
      deadline,
      decide(core, origin, { requestId, outcome: "approve" }),
      REPLY_RESERVE_MS,
    );
    if (!raced.done) {
      log.info("slack approve answered; the decision finishes after the answer", {
        requestId,
        ms: since(started),
      });
      raced.later.then(
        async (outcome) => {
          const reply = decisionReply(outcome);
          if (reply) await tellClicker(client, body, reply, log, afterAnswer());
          log.info("slack approve handled", {
            requestId,
            moderator: origin.userId,
            outcome: outcome.kind,
            ms: since(started),
            late: true,
          });
        },
        (error: unknown) => log.error("slack approve failed after the answer", { requestId, error }),
      );
      return;
    }
    const outcome = raced.value;
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
