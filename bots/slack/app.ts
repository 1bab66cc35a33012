import type { Core } from "../../core/context.js";
import type { Logger } from "../../core/log.js";
import type { SlackSettings } from "../../core/settings.js";
import { type BoltParts, createBoltApp, createProfileClient } from "./client.js";
import { ACTION, CALLBACK } from "./ids.js";
import { approveAction } from "./listeners/actions/approve.js";
import { askAction } from "./listeners/actions/ask.js";
import { claimAction } from "./listeners/actions/claim.js";
import { denyAction } from "./listeners/actions/deny.js";
import { replyAction } from "./listeners/actions/reply.js";
import { applyCommand } from "./listeners/commands/apply.js";
import type { ListenerDeps } from "./listeners/deps.js";
import { memberLeft } from "./listeners/events/member-left.js";
import { applySubmit } from "./listeners/views/apply-submit.js";
import { askSubmit } from "./listeners/views/ask-submit.js";
import { denySubmit } from "./listeners/views/deny-submit.js";
import { replySubmit } from "./listeners/views/reply-submit.js";

export const APPLY_COMMAND = "/apply";

/**
 * The Slack app: one Bolt app, one URL for commands, interactivity and events. Every listener
 * does the minimum before Bolt answers (open a modal, record a request or a decision); cards,
 * notices and invites are outbox work (`effects.ts`).
 */
export function createSlackApp(core: Core, settings: SlackSettings, log: Logger): BoltParts {
  const parts = createBoltApp(settings, log);
  const { app } = parts;
  const deps: ListenerDeps = { core, log, profiles: createProfileClient(settings, log) };

  app.command(APPLY_COMMAND, applyCommand(deps));
  app.view(CALLBACK.apply, applySubmit(deps));
  app.view(CALLBACK.denyReason, denySubmit(deps));
  app.action(ACTION.approve, approveAction(deps));
  app.action(ACTION.deny, denyAction(deps));
  app.event("member_left_channel", memberLeft(deps));
  // Moderator tools: the interview, claims.
  app.action(ACTION.ask, askAction(deps));
  app.view(CALLBACK.ask, askSubmit(deps));
  app.action(ACTION.reply, replyAction(deps));
  app.view(CALLBACK.reply, replySubmit(deps));
  app.action(ACTION.claim, claimAction(deps, "claim"));
  app.action(ACTION.unclaim, claimAction(deps, "unclaim"));

  // Logged here, then rethrown: Slack gets a 500 (and, for events, retries).
  app.error(async (error) => {
    log.error("slack listener failed", { error: error.original ?? error, code: error.code });
    throw error;
  });
  return parts;
}
