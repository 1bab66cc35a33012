import type { Middleware, SlackEventMiddlewareArgs } from "@slack/bolt";
import * as Capacity from "../../../../core/capacity.js";
import * as Communities from "../../../../core/communities.js";
import { memberLeftSchema } from "../../payloads.js";
import { type ListenerDeps, since } from "../deps.js";

/**
 * A member left (or was removed from) a community's first granted channel: their seat frees up
 * and the waitlist moves (the admitted applicants' invites and notices are outbox work).
 * Idempotent, so Slack's event retries change nothing twice.
 */
export function memberLeft(deps: ListenerDeps): Middleware<SlackEventMiddlewareArgs<"member_left_channel">> {
  const { core, log } = deps;
  return async ({ body }) => {
    const started = Date.now();
    const parsed = memberLeftSchema.safeParse(body);
    if (!parsed.success) return;
    const { event } = parsed.data;
    const team = event.team ?? parsed.data.team_id;
    const communities = Communities.inWorkspace(core, "slack", team).filter(
      (c) => c.grant.channels[0] === event.channel,
    );
    for (const community of communities) {
      const { left, admitted } = await Capacity.leave(core, community, event.user);
      if (left) {
        log.info("slack member left; seat freed", {
          community: community.id,
          user: event.user,
          admitted: admitted.map((r) => r.id),
          ms: since(started),
        });
      }
    }
  };
}
