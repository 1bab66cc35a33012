import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandDefinitions } from "../../../bots/discord/commands.js";
import { registerDiscordCommands } from "../../../cli/discord-register.js";
import type { DiscordSettings } from "../../../core/settings.js";
import { configOf, discordCommunity, slackCommunity } from "../../support/core.js";
import { type FakeDiscord, startFakeDiscord } from "../../support/fake-discord.js";

const APP = "900000000000000001";
let fake: FakeDiscord;
let settings: DiscordSettings;

beforeAll(async () => {
  fake = await startFakeDiscord({ applicationId: APP });
  settings = { apiUrl: fake.apiUrl, botToken: fake.token, applicationId: APP, publicKey: "0".repeat(64) };
});
afterAll(() => fake?.close());

const config = configOf(
  discordCommunity({ id: "one", workspace: "100000000000000001" }),
  discordCommunity({ id: "two", workspace: "100000000000000001" }),
  discordCommunity({ id: "three", workspace: "200000000000000001", reviewChannel: "200000000000000002" }),
  slackCommunity(),
);

describe("gatekeeper discord register", () => {
  it("defines /apply, /apply-status and /apply-withdraw, server-only, with autocomplete", () => {
    const commands = commandDefinitions();
    expect(commands.map((c) => c.name)).toEqual([
      "apply",
      "apply-status",
      "apply-withdraw",
      "apply-queue",
      "apply-stats",
    ]);
    for (const c of commands) expect(c.contexts).toEqual([0]);
    expect(commands[0]?.options).toEqual([
      {
        type: 3,
        name: "community",
        description: "Which community (leave empty to see the list)",
        autocomplete: true,
        required: false,
      },
    ]);
    expect(commands[2]?.options?.[0]).toMatchObject({
      name: "community",
      autocomplete: true,
      required: false,
    });
  });

  it("over the Gateway, with no application id set, reads it from the token first", async () => {
    const mark = fake.calls.length;
    const gateway: DiscordSettings = { apiUrl: fake.apiUrl, botToken: fake.token, gateway: true };
    const result = await registerDiscordCommands({ settings: gateway, config, guild: false });
    expect(fake.calls.slice(mark).map((c) => `${c.status} ${c.method} ${c.path}`)).toEqual([
      "200 GET /applications/@me",
      `200 PUT /applications/${APP}/commands`,
    ]);
    expect(result.registered).toEqual([
      {
        scope: "global",
        commands: ["apply", "apply-status", "apply-withdraw", "apply-queue", "apply-stats"],
      },
    ]);
  });

  it("registers the commands globally with one bulk overwrite", async () => {
    const mark = fake.calls.length;
    const result = await registerDiscordCommands({ settings, config, guild: false });
    const calls = fake.calls.slice(mark);
    expect(calls.map((c) => `${c.status} ${c.method} ${c.path}`)).toEqual([
      `200 PUT /applications/${APP}/commands`,
    ]);
    expect(calls[0]?.auth).toBe(`Bot ${fake.token}`);
    expect(calls[0]?.body).toEqual(commandDefinitions());
    expect(result.summary).toBe(
      "Registered the Discord commands globally: /apply, /apply-status, /apply-withdraw, /apply-queue, /apply-stats.",
    );
  });

  it("registers them in each configured guild with --guild", async () => {
    const mark = fake.calls.length;
    const result = await registerDiscordCommands({ settings, config, guild: true });
    expect(fake.calls.slice(mark).map((c) => `${c.status} ${c.method} ${c.path}`)).toEqual([
      `200 PUT /applications/${APP}/guilds/100000000000000001/commands`,
      `200 PUT /applications/${APP}/guilds/200000000000000001/commands`,
    ]);
    expect(result.registered.map((r) => r.guild)).toEqual(["100000000000000001", "200000000000000001"]);
    expect(fake.commands.get("200000000000000001")).toHaveLength(5);
  });

  it("fails with a clear message when Discord refuses", async () => {
    fake.failNext("PUT", /commands$/, 1, {
      kind: "discord-error",
      status: 401,
      code: 0,
      message: "401: Unauthorized",
    });
    await expect(registerDiscordCommands({ settings, config, guild: false })).rejects.toThrow(
      "Could not register the Discord commands globally: 401: Unauthorized",
    );
    await expect(
      registerDiscordCommands({ settings, config: configOf(slackCommunity()), guild: true }),
    ).rejects.toThrow(/No Discord community/);
  });
});
