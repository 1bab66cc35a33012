import type { Middleware, SlackEventMiddlewareArgs } from "@slack/bolt";
import * as z from "zod";
import { home } from "../../../../core/usecases/queue.js";
import { slackErrorCode } from "../../errors.js";
import { publishHome } from "../../home.js";
import { type ListenerDeps, since } from "../deps.js";

const appHomeOpenedSchema = z.object({
  team_id: z.string().regex(/^[TE][A-Z0-9]{2,}$/),
  event: z.object({
    type: z.literal("app_home_opened"),
    user: z.string().regex(/^[UW][A-Z0-9]{2,}$/),
    tab: z.string().optional(),
  }),
});

/**
 * The user opened the app's Home tab: publish their home (a moderator's queues and figures, or
 * their own requests). A failed publish is logged, not retried: the next opening publishes again.
 */
export function appHomeOpened(deps: ListenerDeps): Middleware<SlackEventMiddlewareArgs<"app_home_opened">> {
  const { core, log } = deps;
  return async ({ body, client }) => {
    const started = Date.now();
    const parsed = appHomeOpenedSchema.safeParse(body);
    if (!parsed.success || (parsed.data.event.tab ?? "home") !== "home") return;
    const origin = {
      platform: "slack" as const,
      workspace: parsed.data.team_id,
      userId: parsed.data.event.user,
    };
    try {
      await publishHome(client, await home(core, origin), log);
    } catch (error) {
      log.warn("slack home not published", { user: origin.userId, code: slackErrorCode(error), error });
    }
    log.info("slack home opened", { user: origin.userId, ms: since(started) });
  };
}
