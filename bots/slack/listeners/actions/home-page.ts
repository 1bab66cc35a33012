import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Homes from "../../../../core/homes.js";
import type { ListenerDeps } from "../deps.js";
import { onHomeClick } from "./home-click.js";

/** Previous / next page of a community's queue on the home. */
export function homePage(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  return onHomeClick(deps, "page", async ({ origin, communityId, choice }) => {
    const page = Number(choice);
    if (Number.isInteger(page) && page >= 1 && page <= 1000)
      await Homes.setPanel(deps.core, origin, communityId, { page });
  });
}
