import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { APPLY_COMMAND } from "../../../bots/slack/app.js";

const manifest = parse(
  readFileSync(fileURLToPath(new URL("../../../bots/slack/manifest.yaml", import.meta.url)), "utf8"),
) as {
  features: { slash_commands: { command: string; url: string }[]; app_home: Record<string, boolean> };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
};

describe("the Slack app manifest", () => {
  it("points the command, interactivity and events at the one /slack/events URL", () => {
    const url = "https://YOUR-DOMAIN/slack/events";
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: APPLY_COMMAND, url }),
    ]);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: url });
    expect(manifest.settings.event_subscriptions.request_url).toBe(url);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it("asks for exactly the scopes the bot's calls and events need", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        "channels:history",
        "chat:write",
        "commands",
        "files:write",
        "groups:history",
        "groups:read",
        "groups:write",
        "im:history",
        "im:write",
        "users:read",
        "users:read.email",
      ].sort(),
    );
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([
      "member_left_channel",
      "app_home_opened",
    ]);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });
});
