import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import { requestBulk } from "../../../../core/usecases/bulk.js";
import type { ListenerDeps } from "../deps.js";
import { onHomeClick } from "./home-click.js";

/**
 * "Approve all that pass every rule" on the home (after Slack's confirmation dialog): recorded
 * as a bulk decision that the outbox worker runs, request by request as single clicks; the home
 * shows "Deciding…" at once and the report when it is done. The click's trigger id keys the task.
 */
export function homeBulk(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  return onHomeClick(deps, "bulk", async ({ body, origin, communityId }) => {
    await requestBulk(deps.core, origin, {
      communityId,
      action: { kind: "approve-passing" },
      key: `home:${body.trigger_id}`,
      reply: { kind: "home", platform: "slack", workspace: origin.workspace, userId: origin.userId },
    });
  });
}
