import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import { failureSummary } from "../../../../core/rules.js";
import { alreadyText } from "../../blocks/messages.js";
import { denyModal } from "../../blocks/modals.js";
import { slackErrorCode } from "../../errors.js";
import { type ListenerDeps, since, tellClicker } from "../deps.js";
import { onGuardedClick } from "./guard.js";

/**
 * Deny on the card: opens the reason modal (pre-filled with the failed rules) for a moderator.
 * Nothing is decided until that modal is submitted (`views/deny-submit.ts`).
 */
export function denyAction(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  const { log } = deps;
  return onGuardedClick(deps, async (guard, client, started) => {
    const { request, community } = guard;
    if (request.status !== "pending") {
      await tellClicker(client, guard.body, alreadyText(request), log);
      return;
    }
    const prefill = failureSummary(request.evaluation);
    const channel = guard.body.channel?.id ?? guard.body.container?.channel_id;
    try {
      await client.views.open({
        trigger_id: guard.body.trigger_id,
        view: denyModal(request, community, prefill, channel),
      });
    } catch (error) {
      log.warn("slack views.open (deny reason) failed", {
        requestId: request.id,
        code: slackErrorCode(error),
        error,
      });
      await tellClicker(
        client,
        guard.body,
        "Sorry, Slack didn't let me open the reason form. Please click Deny again.",
        log,
      );
    }
    log.info("slack deny clicked", {
      requestId: request.id,
      moderator: guard.body.user.id,
      ms: since(started),
    });
  });
}
