import type { BlockAction as BoltBlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Messages from "../../../../core/messages.js";
import type { Origin } from "../../../../core/usecases/origin.js";
import { type Deadline, deadlineOf } from "../../deadline.js";
import { requestIdSchema } from "../../ids.js";
import { type BlockAction, blockActionSchema, handleOf, teamOf } from "../../payloads.js";
import type { WebClient } from "../../web-client.js";
import { type ListenerDeps, tellClicker } from "../deps.js";

/** A card button click, parsed: who clicked, from which workspace, on which request. */
export interface CardClick {
  body: BlockAction;
  origin: Origin;
  requestId: string;
  /** What is left of the answer budget. */
  deadline: Deadline;
}

/**
 * A card button's listener: acknowledge at once, parse the click (a malformed one is told so
 * ephemerally), then hand it to the action, which calls its use case (where authority is checked).
 */
export function onCardClick(
  deps: ListenerDeps,
  act: (click: CardClick, client: WebClient, started: number) => Promise<void>,
): Middleware<SlackActionMiddlewareArgs<BoltBlockAction>> {
  return async ({ ack, body, client, context }) => {
    const started = Date.now();
    const deadline = deadlineOf(context);
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    if (!parsed.success) {
      deps.log.warn("slack click payload not understood", { issues: parsed.error.issues.length });
      return;
    }
    const click = parsed.data;
    const workspace = teamOf(click);
    const id = requestIdSchema.safeParse(click.actions[0]?.value);
    if (!id.success || !workspace) {
      deps.log.warn("slack click with a malformed request id or no team", { user: click.user.id });
      await tellClicker(client, click, Messages.COULD_NOT_READ, deps.log, deadline);
      return;
    }
    const origin: Origin = {
      platform: "slack",
      workspace,
      userId: click.user.id,
      name: handleOf(click.user),
    };
    await act({ body: click, origin, requestId: id.data, deadline }, client, started);
  };
}
