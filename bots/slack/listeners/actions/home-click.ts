import type { BlockAction as BoltBlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { Origin } from "../../../../core/usecases/origin.js";
import { home } from "../../../../core/usecases/queue.js";
import { slackErrorCode } from "../../errors.js";
import { publishHome } from "../../home.js";
import { readHomeValue } from "../../ids.js";
import { type BlockAction, blockActionSchema, handleOf, teamOf } from "../../payloads.js";
import type { WebClient } from "../../web-client.js";
import { type ListenerDeps, since } from "../deps.js";

/** A click on one of the home's own controls, parsed: who, from where, which community and choice. */
export interface HomeClick {
  body: BlockAction;
  origin: Origin;
  actionId: string;
  communityId: string;
  choice: string;
}

/**
 * A home control's listener: acknowledge, parse (anything malformed is ignored: the home is the
 * bot's own view), let the action record what changed, then publish the home again.
 */
export function onHomeClick(
  deps: ListenerDeps,
  what: string,
  act: (click: HomeClick, client: WebClient) => Promise<void>,
  /** Where the community and the choice are read from: the control's value, unless it has none (a select). */
  read: (action: BlockAction["actions"][number]) => { communityId: string; choice: string } | undefined = (
    action,
  ) => readHomeValue(action.value),
): Middleware<SlackActionMiddlewareArgs<BoltBlockAction>> {
  return async ({ ack, body, client }) => {
    const started = Date.now();
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    const workspace = parsed.success ? teamOf(parsed.data) : undefined;
    const action = parsed.success ? parsed.data.actions[0] : undefined;
    const value = action ? read(action) : undefined;
    if (!parsed.success || !workspace || !action || !value) {
      deps.log.warn("slack home click not understood", { what });
      return;
    }
    const origin: Origin = {
      platform: "slack",
      workspace,
      userId: parsed.data.user.id,
      name: handleOf(parsed.data.user),
    };
    await act({ body: parsed.data, origin, actionId: action.action_id, ...value }, client);
    try {
      await publishHome(client, await home(deps.core, origin), deps.log);
    } catch (error) {
      deps.log.warn("slack home not published", { user: origin.userId, code: slackErrorCode(error), error });
    }
    deps.log.info("slack home click handled", { what, user: origin.userId, ms: since(started) });
  };
}
