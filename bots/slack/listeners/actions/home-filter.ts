import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Homes from "../../../../core/homes.js";
import { queueFilterSchema } from "../../../../core/queue.js";
import type { ListenerDeps } from "../deps.js";
import { onHomeClick } from "./home-click.js";

/** A queue filter on the home (all, passing every rule, flagged, waiting for a reply). */
export function homeFilter(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  return onHomeClick(deps, "filter", async ({ origin, communityId, choice }) => {
    const filter = queueFilterSchema.safeParse(choice);
    if (filter.success) await Homes.setPanel(deps.core, origin, communityId, { filter: filter.data });
  });
}
