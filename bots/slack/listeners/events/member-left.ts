import type { Middleware, SlackEventMiddlewareArgs } from "@slack/bolt";
import { memberLeft as leave } from "../../../../core/usecases/membership.js";
import { memberLeftSchema } from "../../payloads.js";
import { type ListenerDeps, since } from "../deps.js";

/**
 * A member left (or was removed from) a community's seat channel: the membership use case frees
 * the seat and moves the waitlist. Idempotent, so Slack's event retries change nothing twice.
 */
export function memberLeft(deps: ListenerDeps): Middleware<SlackEventMiddlewareArgs<"member_left_channel">> {
  const { core, log } = deps;
  return async ({ body }) => {
    const started = Date.now();
    const parsed = memberLeftSchema.safeParse(body);
    if (!parsed.success) return;
    const { event } = parsed.data;
    const freed = await leave(core, {
      platform: "slack",
      workspace: event.team ?? parsed.data.team_id,
      userId: event.user,
      channel: event.channel,
    });
    for (const f of freed) {
      log.info("slack member left; seat freed", {
        community: f.communityId,
        user: event.user,
        admitted: f.admitted,
        ms: since(started),
      });
    }
  };
}
