import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Homes from "../../../../core/homes.js";
import { requestBulk } from "../../../../core/usecases/bulk.js";
import { homeDenyModal } from "../../blocks/modals.js";
import { slackErrorCode } from "../../errors.js";
import type { ListenerDeps } from "../deps.js";
import { onHomeClick } from "./home-click.js";

/**
 * "Approve selected" on the home: the selection becomes one bulk decision that the outbox worker
 * runs request by request, exactly as single clicks (the home shows "Deciding…" at once and the
 * report when it is done); the selection is cleared. "Deny selected" asks for one optional reason
 * first (`views/home-deny-submit.ts`). The click's trigger id keys the task: a retry records one.
 */
export function homeSelected(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  return onHomeClick(deps, "selected", async ({ body, origin, communityId, choice }, client) => {
    const { selected } = Homes.panelOf(await Homes.get(deps.core, origin), communityId);
    if (selected.length === 0) return; // the home shows the selection is gone
    if (choice === "deny") {
      try {
        await client.views.open({
          trigger_id: body.trigger_id,
          view: homeDenyModal(communityId, selected.length),
        });
      } catch (error) {
        deps.log.warn("slack views.open (deny selected) failed", { code: slackErrorCode(error), error });
      }
      return;
    }
    if (choice !== "approve") return;
    await requestBulk(deps.core, origin, {
      communityId,
      action: { kind: "approve", requestIds: selected },
      key: `home:${body.trigger_id}`,
      reply: { kind: "home", platform: "slack", workspace: origin.workspace, userId: origin.userId },
    });
    await Homes.setPanel(deps.core, origin, communityId, { selected: [] });
  });
}
