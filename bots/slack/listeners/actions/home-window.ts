import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Homes from "../../../../core/homes.js";
import { WINDOWS } from "../../../../core/stats.js";
import type { ListenerDeps } from "../deps.js";
import { onHomeClick } from "./home-click.js";

/** The insights window on the home: 7, 30 or 90 days. */
export function homeWindow(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  return onHomeClick(deps, "window", async ({ origin, communityId, choice }) => {
    const days = WINDOWS.find((d) => String(d) === choice);
    if (days) await Homes.setPanel(deps.core, origin, communityId, { days });
  });
}
