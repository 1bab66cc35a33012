import type { Core } from "../../core/context.js";
import type { Logger } from "../../core/log.js";
import type { SlackSettings } from "../../core/settings.js";
import { type BoltParts, createBoltApp, createProfileClient } from "./client.js";
import { ACTION, CALLBACK, HOME_ACTION } from "./ids.js";
import { approveAction } from "./listeners/actions/approve.js";
import { denyAction } from "./listeners/actions/deny.js";
import { homeBulk } from "./listeners/actions/home-bulk.js";
import { homeFilter } from "./listeners/actions/home-filter.js";
import { homeOpen } from "./listeners/actions/home-open.js";
import { homePage } from "./listeners/actions/home-page.js";
import { homeWindow } from "./listeners/actions/home-window.js";
import { applyCommand } from "./listeners/commands/apply.js";
import type { ListenerDeps } from "./listeners/deps.js";
import { appHomeOpened } from "./listeners/events/app-home-opened.js";
import { memberLeft } from "./listeners/events/member-left.js";
import { applySubmit } from "./listeners/views/apply-submit.js";
import { denySubmit } from "./listeners/views/deny-submit.js";

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
  // The App Home: moderators' queues and figures, everyone's own requests.
  app.event("app_home_opened", appHomeOpened(deps));
  app.action(new RegExp(`^${HOME_ACTION.filter}`), homeFilter(deps));
  app.action(new RegExp(`^${HOME_ACTION.page}`), homePage(deps));
  app.action(new RegExp(`^${HOME_ACTION.window}`), homeWindow(deps));
  app.action(HOME_ACTION.bulk, homeBulk(deps));
  app.action(HOME_ACTION.open, homeOpen());

  // Logged here, then rethrown: Slack gets a 500 (and, for events, retries).
  app.error(async (error) => {
    log.error("slack listener failed", { error: error.original ?? error, code: error.code });
    throw error;
  });
  return parts;
}
