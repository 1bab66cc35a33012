import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Homes from "../../../../core/homes.js";
import { HOME_ACTION, readHomeValue } from "../../ids.js";
import type { ListenerDeps } from "../deps.js";
import { onHomeClick } from "./home-click.js";

/**
 * Requests picked in the page's multi-select: kept with the moderator's home (the panel's
 * selection, cleared by another page or filter), so "Approve selected" and "Deny selected" act on
 * them. The select names its community in its action id (`gk_home_select:<community>`).
 */
export function homeSelect(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  return onHomeClick(
    deps,
    "select",
    async ({ body, origin, communityId }) => {
      const picked = body.actions[0]?.selected_options?.map((o) => o.value) ?? [];
      await Homes.setPanel(deps.core, origin, communityId, {
        selected: [...new Set(picked)].slice(0, Homes.SELECTION_MAX),
      });
    },
    (action) => readHomeValue(`${action.action_id.slice(HOME_ACTION.select.length)}|select`),
  );
}
