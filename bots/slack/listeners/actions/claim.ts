import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import { claim, unclaim } from "../../../../core/usecases/claim.js";
import { claimReply } from "../../../../core/usecases/replies.js";
import { type ListenerDeps, since, tellClicker } from "../deps.js";
import { onCardClick } from "./guard.js";

/**
 * Claim and Unclaim on the card: recorded by the claim use case (of two claims at once, one wins);
 * the card update is outbox work. A claim that loses, or an unclaim of someone else's claim, is
 * answered ephemerally and changes nothing.
 */
export function claimAction(
  deps: ListenerDeps,
  which: "claim" | "unclaim",
): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  const { core, log } = deps;
  return onCardClick(deps, async ({ body, origin, requestId, deadline }, client, started) => {
    const outcome = await (which === "claim" ? claim : unclaim)(core, origin, requestId);
    const reply = claimReply(outcome);
    if (reply) await tellClicker(client, body, reply, log, deadline);
    log.info(`slack ${which} handled`, {
      requestId,
      moderator: origin.userId,
      outcome: outcome.kind,
      ms: since(started),
    });
  });
}
