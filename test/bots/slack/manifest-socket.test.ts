import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { APPLY_COMMAND } from "../../../bots/slack/app.js";

const read = (name: string) =>
  parse(readFileSync(fileURLToPath(new URL(`../../../bots/slack/${name}`, import.meta.url)), "utf8")) as {
    features: { slash_commands: Record<string, unknown>[]; app_home: Record<string, boolean> };
    oauth_config: { scopes: { bot: string[] } };
    settings: {
      event_subscriptions: Record<string, unknown> & { bot_events: string[] };
      interactivity: Record<string, unknown>;
      socket_mode_enabled: boolean;
    };
  };

const socket = read("manifest.socket.yaml");
const http = read("manifest.yaml");

describe("the Socket Mode manifest", () => {
  it("turns Socket Mode on and has no request URL anywhere", () => {
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(socket.features.slash_commands).toEqual([expect.objectContaining({ command: APPLY_COMMAND })]);
    expect(socket.features.slash_commands[0]).not.toHaveProperty("url");
    expect(socket.settings.interactivity).toEqual({ is_enabled: true });
    expect(socket.settings.event_subscriptions).not.toHaveProperty("request_url");
    expect(JSON.stringify(socket)).not.toMatch(/https?:\/\//);
  });

  it("asks for the same scopes and events as the HTTP manifest, and only they differ in transport", () => {
    expect(socket.oauth_config).toEqual(http.oauth_config);
    expect(socket.settings.event_subscriptions.bot_events).toEqual(
      http.settings.event_subscriptions.bot_events,
    );
    const { url: _url, ...command } = http.features.slash_commands[0] ?? {};
    expect(socket.features.slash_commands).toEqual([command]);
    expect(socket.features.app_home).toEqual(http.features.app_home);
  });
});
