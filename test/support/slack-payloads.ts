import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Slack request payloads for tests, built from the JSON fixtures in `test/fixtures/slack/`
 * (shaped like what Slack sends) with the fields a test cares about replaced.
 */

const fixtureDir = fileURLToPath(new URL("../fixtures/slack/", import.meta.url));

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(`${fixtureDir}${name}.json`, "utf8")) as T;
}

type Json = Record<string, unknown>;

let triggers = 0;
export const nextTrigger = () => `${Date.now()}.${++triggers}.trigger`;

export function slashCommand(
  o: { user?: string; userName?: string; text?: string; team?: string; trigger?: string } = {},
): Record<string, string> {
  const base = fixture<Record<string, string>>("slash-command");
  return {
    ...base,
    team_id: o.team ?? base.team_id ?? "T0TEST",
    user_id: o.user ?? base.user_id ?? "U0APPL1",
    user_name: o.userName ?? base.user_name ?? "applicant",
    text: o.text ?? "",
    trigger_id: o.trigger ?? nextTrigger(),
  };
}

export function viewSubmission(o: {
  viewId: string;
  user?: string;
  userName?: string;
  team?: string;
  callbackId?: string;
  metadata: string;
  /** Block id → typed text (null: left empty). */
  values: Record<string, string | null>;
}): Json {
  const base = fixture("view-submission");
  const team = o.team ?? "T0TEST";
  const user = o.user ?? "U0APPL1";
  const values = Object.fromEntries(
    Object.entries(o.values).map(([block, value]) => [block, { value: { type: "plain_text_input", value } }]),
  );
  return {
    ...base,
    team: { id: team, domain: "test" },
    user: {
      id: user,
      username: o.userName ?? user.toLowerCase(),
      name: o.userName ?? user.toLowerCase(),
      team_id: team,
    },
    trigger_id: nextTrigger(),
    view: {
      ...(base.view as Json),
      id: o.viewId,
      root_view_id: o.viewId,
      team_id: team,
      callback_id: o.callbackId ?? "gk_apply",
      private_metadata: o.metadata,
      state: { values },
    },
  };
}

export function buttonClick(o: {
  actionId: "gk_approve" | "gk_deny" | string;
  value: string;
  user?: string;
  userName?: string;
  team?: string;
  channel?: string;
  messageTs?: string;
  trigger?: string;
}): Json {
  const base = fixture("block-actions");
  const team = o.team ?? "T0TEST";
  const user = o.user ?? "U0MOD1";
  const channel = o.channel ?? "C0REVIEW";
  const ts = o.messageTs ?? "1780000001.000001";
  const [action] = base.actions as Json[];
  return {
    ...base,
    user: {
      id: user,
      username: o.userName ?? user.toLowerCase(),
      name: o.userName ?? user.toLowerCase(),
      team_id: team,
    },
    team: { id: team, domain: "test" },
    channel: { id: channel, name: "privategroup" },
    container: { type: "message", message_ts: ts, channel_id: channel, is_ephemeral: false },
    message: { ...(base.message as Json), ts },
    trigger_id: o.trigger ?? nextTrigger(),
    actions: [
      { ...action, action_id: o.actionId, value: o.value, text: { type: "plain_text", text: o.actionId } },
    ],
  };
}

export function memberLeftEvent(o: { user: string; channel: string; team?: string; eventId?: string }): Json {
  const base = fixture("member-left-channel");
  const team = o.team ?? "T0TEST";
  return {
    ...base,
    team_id: team,
    event_id: o.eventId ?? `Ev${Date.now()}`,
    event: { ...(base.event as Json), user: o.user, channel: o.channel, team },
  };
}

/** A click on a control of the App Home (no channel, no message: the container is the view). */
export function homeClick(o: {
  actionId: string;
  value?: string;
  user: string;
  team?: string;
  trigger?: string;
  /** A multi-select's choice instead of a button's value. */
  selected?: string[];
}): Json {
  const team = o.team ?? "T0TEST";
  return {
    type: "block_actions",
    user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: team },
    api_app_id: "A0GATEKEEPER",
    token: "legacy-verification-token",
    container: { type: "view", view_id: "V0HOME" },
    trigger_id: o.trigger ?? nextTrigger(),
    team: { id: team, domain: "test" },
    view: { id: "V0HOME", type: "home", team_id: team, blocks: [], private_metadata: "" },
    actions: [
      o.selected
        ? {
            type: "multi_static_select",
            action_id: o.actionId,
            block_id: "s",
            selected_options: o.selected.map((value) => ({
              text: { type: "plain_text", text: value },
              value,
            })),
            action_ts: `${Date.now() / 1000}`,
          }
        : {
            type: "button",
            action_id: o.actionId,
            block_id: "b",
            value: o.value,
            text: { type: "plain_text", text: o.actionId },
            action_ts: `${Date.now() / 1000}`,
          },
    ],
  };
}

/** The `app_home_opened` event, as the Events API sends it. */
export function appHomeOpened(o: { user: string; team?: string; tab?: string }): Json {
  const team = o.team ?? "T0TEST";
  return {
    token: "legacy-verification-token",
    team_id: team,
    api_app_id: "A0GATEKEEPER",
    event: {
      type: "app_home_opened",
      user: o.user,
      channel: `D${o.user.slice(1)}`,
      tab: o.tab ?? "home",
      event_ts: `${Date.now() / 1000}`,
    },
    type: "event_callback",
    event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
  };
}
