import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Capacity from "../../../../core/capacity.js";
import * as Messages from "../../../../core/messages.js";
import * as Requests from "../../../../core/requests.js";
import { alreadyText, fullText } from "../../blocks/messages.js";
import { handleOf } from "../../payloads.js";
import { type ListenerDeps, since, tellClicker } from "../deps.js";
import { onGuardedClick } from "./guard.js";

/**
 * Approve on the card. Records the decision (exactly one wins, however many clicks) and returns;
 * the invite, the notice and the card update are outbox work. A click that loses, comes from a
 * non-moderator or meets a full community gets an ephemeral answer and changes nothing.
 */
export function approveAction(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  const { core, log } = deps;
  return onGuardedClick(deps, async (guard, client, started) => {
    const { request, community } = guard;
    const moderator = { kind: "user" as const, id: guard.body.user.id, name: handleOf(guard.body.user) };
    const outcome = await Requests.decide(core, { requestId: request.id, moderator, outcome: "approve" });
    switch (outcome.kind) {
      case "decided":
        break;
      case "already":
        await tellClicker(client, guard.body, alreadyText(outcome.request), log);
        break;
      case "full":
        await tellClicker(
          client,
          guard.body,
          fullText(community, await Capacity.seats(core, community)),
          log,
        );
        break;
      case "forbidden":
        await tellClicker(client, guard.body, Messages.NOT_A_MODERATOR, log);
        break;
      case "not-found":
        await tellClicker(client, guard.body, "This request no longer exists.", log);
        break;
    }
    log.info("slack approve handled", {
      requestId: request.id,
      moderator: moderator.id,
      outcome: outcome.kind,
      ms: since(started),
    });
  });
}
