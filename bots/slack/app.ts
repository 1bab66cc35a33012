import type { App } from "@slack/bolt";
import type { Core } from "../../core/context.js";
import type { Logger } from "../../core/log.js";
import type { SlackSettings } from "../../core/settings.js";
import { type BoltParts, createBoltApp, createSocketModeApp, type SocketModeParts } from "./client.js";
import { ACTION, APPLY_COMMAND, CALLBACK, HOME_ACTION } from "./ids.js";
import { approveAction } from "./listeners/actions/approve.js";
import { askAction } from "./listeners/actions/ask.js";
import { claimAction } from "./listeners/actions/claim.js";
import { denyAction } from "./listeners/actions/deny.js";
import { homeBulk } from "./listeners/actions/home-bulk.js";
import { homeFilter } from "./listeners/actions/home-filter.js";
import { homeOpen } from "./listeners/actions/home-open.js";
import { homePage } from "./listeners/actions/home-page.js";
import { homeSelect } from "./listeners/actions/home-select.js";
import { homeSelected } from "./listeners/actions/home-selected.js";
import { homeWindow } from "./listeners/actions/home-window.js";
import { replyAction } from "./listeners/actions/reply.js";
import { applyCommand } from "./listeners/commands/apply.js";
import { interactionContext, listenerFailed } from "./listeners/context.js";
import type { ListenerDeps } from "./listeners/deps.js";
import { appHomeOpened } from "./listeners/events/app-home-opened.js";
import { memberLeft } from "./listeners/events/member-left.js";
import { applySubmit } from "./listeners/views/apply-submit.js";
import { askSubmit } from "./listeners/views/ask-submit.js";
import { denySubmit } from "./listeners/views/deny-submit.js";
import { homeDenySubmit } from "./listeners/views/home-deny-submit.js";
import { replySubmit } from "./listeners/views/reply-submit.js";
import { createProfileClient } from "./web-client.js";

export { APPLY_COMMAND };

/**
 * Every listener, registered once for whichever receiver the app has (Lambda's HTTP receiver or
 * Socket Mode). Every listener does the minimum before Bolt answers (open a modal, record a
 * request or a decision); cards, notices and invites are outbox work (`effects.ts`).
 */
export function registerListeners(app: App, deps: ListenerDeps): void {
  app.use(interactionContext(deps));
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
  // The App Home: moderators' queues and figures, everyone's own requests.
  app.event("app_home_opened", appHomeOpened(deps));
  app.action(new RegExp(`^${HOME_ACTION.filter}`), homeFilter(deps));
  app.action(new RegExp(`^${HOME_ACTION.page}`), homePage(deps));
  app.action(new RegExp(`^${HOME_ACTION.window}`), homeWindow(deps));
  app.action(HOME_ACTION.bulk, homeBulk(deps));
  app.action(HOME_ACTION.open, homeOpen());
  app.action(new RegExp(`^${HOME_ACTION.select}`), homeSelect(deps));
  app.action(new RegExp(`^${HOME_ACTION.selected}`), homeSelected(deps));
  app.view(CALLBACK.homeDeny, homeDenySubmit(deps));
  app.error(listenerFailed(deps));
}

function listenerDeps(core: Core, settings: SlackSettings, log: Logger): ListenerDeps {
  return { core, log, profiles: createProfileClient(settings, log) };
}

/** The Slack app behind `/slack/events` (Lambda, and the local server without an app token). */
export function createSlackApp(core: Core, settings: SlackSettings, log: Logger): BoltParts {
  const parts = createBoltApp(settings, log);
  registerListeners(parts.app, listenerDeps(core, settings, log));
  return parts;
}

/** The same app over Socket Mode (the local bot with `SLACK_APP_TOKEN`); `app.start()` connects. */
export function createSlackSocketApp(core: Core, settings: SlackSettings, log: Logger): SocketModeParts {
  const parts = createSocketModeApp(settings, log);
  registerListeners(parts.app, listenerDeps(core, settings, log));
  return parts;
}
