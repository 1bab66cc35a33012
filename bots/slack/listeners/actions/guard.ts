import type { BlockAction as BoltBlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Communities from "../../../../core/communities.js";
import type { Community } from "../../../../core/config/schema.js";
import * as Messages from "../../../../core/messages.js";
import type { JoinRequest } from "../../../../core/model.js";
import * as Requests from "../../../../core/requests.js";
import type { WebClient } from "../../client.js";
import { requestIdSchema } from "../../ids.js";
import { type BlockAction, blockActionSchema, teamOf } from "../../payloads.js";
import { type ListenerDeps, tellClicker } from "../deps.js";

export type Allowed = { ok: true; body: BlockAction; request: JoinRequest; community: Community };

export type Guarded = Allowed | { ok: false; body: BlockAction | undefined; message: string | undefined };

/**
 * What Approve and Deny share: the click's payload and request id are validated, the request is
 * read, it must belong to a Slack community of the workspace the click came from, and the clicker
 * must be one of its moderators. Anyone else is refused and nothing changes.
 */
export async function guardClick(deps: ListenerDeps, raw: unknown): Promise<Guarded> {
  const { core, log } = deps;
  const parsed = blockActionSchema.safeParse(raw);
  if (!parsed.success) {
    log.warn("slack click payload not understood", { issues: parsed.error.issues.length });
    return { ok: false, body: undefined, message: undefined };
  }
  const body = parsed.data;
  const id = requestIdSchema.safeParse(body.actions[0]?.value);
  if (!id.success) {
    log.warn("slack click with a malformed request id", { user: body.user.id });
    return { ok: false, body, message: "Sorry, I couldn't tell which request that button is for." };
  }
  const request = await Requests.get(core, id.data);
  const community = request ? Communities.find(core, request.communityId) : undefined;
  if (!request || !community) return { ok: false, body, message: "This request no longer exists." };
  if (request.platform !== "slack" || community.platform !== "slack" || request.workspace !== teamOf(body)) {
    log.warn("slack click on a request of another workspace", { requestId: request.id, user: body.user.id });
    return { ok: false, body, message: Messages.NOT_A_MODERATOR };
  }
  if (!Communities.isModerator(community, body.user.id)) {
    log.info("slack click by a non-moderator refused", { requestId: request.id, user: body.user.id });
    return { ok: false, body, message: Messages.NOT_A_MODERATOR };
  }
  return { ok: true, body, request, community };
}

/**
 * A card button's listener: acknowledge at once, guard the click (anyone refused is told so
 * ephemerally and nothing changes), then act for a moderator.
 */
export function onGuardedClick(
  deps: ListenerDeps,
  act: (click: Allowed, client: WebClient, started: number) => Promise<void>,
): Middleware<SlackActionMiddlewareArgs<BoltBlockAction>> {
  return async ({ ack, body, client }) => {
    const started = Date.now();
    await ack();
    const guard = await guardClick(deps, body);
    if (!guard.ok) {
      if (guard.body && guard.message) await tellClicker(client, guard.body, guard.message, deps.log);
      return;
    }
    await act(guard, client, started);
  };
}
