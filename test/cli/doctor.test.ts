import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord-api-types/v10";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runDoctor } from "../../cli/doctor.js";
import { parseConfig } from "../../core/config/load.js";
import { silentLogger } from "../../core/log.js";
import { settingsFromEnv } from "../../core/settings.js";
import { type FakeDiscord, startFakeDiscord } from "../support/fake-discord.js";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.js";

/**
 * `gatekeeper doctor` against the fake Slack and Discord APIs: a healthy setup passes (exit 0);
 * a missing channel membership, a missing scope, a granted role ordered above the bot's, an
 * unpostable review channel and a mismatched application id each get one line saying what to fix
 * (exit 1).
 */
const GUILD = "100000000000000001";
const REVIEW = "100000000000000002";
const GRANT_ROLE = "100000000000000005";
const BOT_ROLE = "100000000000000009";
const APP = "900000000000000001";

const YAML = `
communities:
  - id: makers
    name: Makers
    platform: slack
    workspace: T0TEST
    reviewChannel: C0REVIEW
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0MEMBERS] }
  - id: gamers
    name: Gamers
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: ["100000000000000003"] }
    grant: { roles: ["${GRANT_ROLE}"] }
`;
const CONFIG = parseConfig(YAML, "doctor.yaml");

const BOT_PERMISSIONS =
  PermissionFlagsBits.ManageRoles |
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory;

let slack: FakeSlack;
let discord: FakeDiscord;

beforeAll(async () => {
  [slack, discord] = await Promise.all([startFakeSlack(), startFakeDiscord({ applicationId: APP })]);
});
afterAll(async () => {
  await Promise.all([slack?.close(), discord?.close()]);
});

/** A healthy setup: the bot in both channels, every scope, its role above the granted one, a postable channel. */
function healthy(): void {
  slack.reset();
  slack.scopes = [
    "commands",
    "chat:write",
    "im:write",
    "users:read",
    "users:read.email",
    "groups:write",
    "groups:read",
  ];
  slack.channels.clear();
  for (const channel of ["C0REVIEW", "C0MEMBERS"]) {
    slack.channels.add(channel);
    slack.members.set(channel, new Set([slack.botUserId]));
  }
  discord.guilds.set(GUILD, {
    roles: [
      { id: GUILD, name: "@everyone", position: 0, permissions: "0" },
      { id: GRANT_ROLE, name: "Member", position: 1, permissions: "0" },
      { id: BOT_ROLE, name: "Gatekeeper", position: 2, permissions: String(BOT_PERMISSIONS) },
    ],
    members: new Map([[discord.botUserId, [BOT_ROLE]]]),
  });
  discord.channels.set(REVIEW, {
    id: REVIEW,
    guild_id: GUILD,
    name: "review",
    type: 0,
    permission_overwrites: [],
  });
}

beforeEach(healthy);

const env = (extra: Record<string, string> = {}) => ({
  SLACK_APP_TOKEN: slack.appToken,
  SLACK_BOT_TOKEN: slack.token,
  SLACK_API_URL: slack.apiUrl,
  DISCORD_BOT_TOKEN: discord.token,
  DISCORD_APPLICATION_ID: APP,
  DISCORD_API_URL: discord.apiUrl,
  ...extra,
});

async function doctor(extra: Record<string, string> = {}) {
  const lines: string[] = [];
  const code = await runDoctor({
    settings: settingsFromEnv(env(extra)),
    config: CONFIG,
    log: silentLogger,
    write: (l) => lines.push(l),
  });
  return { code, lines, fixes: lines.filter((l) => l.startsWith("FIX")) };
}

describe("gatekeeper doctor", () => {
  it("passes a healthy setup, saying what it verified", async () => {
    const { code, lines, fixes } = await doctor();
    expect(fixes).toEqual([]);
    expect(code).toBe(0);
    expect(lines.join("\n")).toContain("the bot is in the granted channel #c0members");
    expect(lines.join("\n")).toContain("the bot's role Gatekeeper is above the granted role Member");
    expect(lines.join("\n")).toContain("the bot can post cards in the review channel #review");
    expect(lines.at(-1)).toBe("Everything checked is in order.");
  });

  it("names a channel the bot is not in and a role ordered above the bot's, one line each, and exits 1", async () => {
    slack.members.set("C0MEMBERS", new Set());
    const guild = discord.guilds.get(GUILD);
    if (!guild) throw new Error("no guild");
    guild.roles = guild.roles.map((r) => (r.id === GRANT_ROLE ? { ...r, position: 3 } : r));
    const { code, fixes } = await doctor();
    expect(code).toBe(1);
    expect(fixes).toEqual([
      "FIX  Slack makers: the bot is not a member of the granted channel #c0members (C0MEMBERS): run /invite @Gatekeeper in it",
      `FIX  Discord gamers: the bot's highest role (Gatekeeper) is not above the granted role Member (${GRANT_ROLE}): Server Settings → Roles, drag the bot's role above it`,
    ]);
  });

  it("names a missing scope, a channel that does not exist, an unpostable review channel and a wrong application id", async () => {
    slack.scopes = slack.scopes.filter((s) => s !== "users:read.email");
    slack.channels.delete("C0REVIEW");
    discord.channels.set(REVIEW, {
      id: REVIEW,
      guild_id: GUILD,
      name: "review",
      type: 0,
      permission_overwrites: [
        { id: GUILD, type: 0, allow: "0", deny: String(PermissionFlagsBits.ViewChannel) },
        {
          id: BOT_ROLE,
          type: 0,
          allow: String(PermissionFlagsBits.ViewChannel),
          deny: String(PermissionFlagsBits.EmbedLinks),
        },
      ],
    });
    const { code, fixes } = await doctor({ DISCORD_APPLICATION_ID: "900000000000000002" });
    expect(code).toBe(1);
    expect(fixes).toHaveLength(4);
    expect(fixes[0]).toContain("Slack: the token lacks users:read.email");
    expect(fixes[1]).toContain("Slack makers: review channel C0REVIEW was not found");
    expect(fixes[2]).toContain(
      `Discord: DISCORD_APPLICATION_ID is 900000000000000002 but the bot token belongs to application ${APP}`,
    );
    expect(fixes[3]).toBe(
      `FIX  Discord gamers: the bot lacks Embed Links in the review channel #review (${REVIEW}): allow them for the bot's role in the channel's permissions`,
    );
  });

  it("says which token was refused, and that a platform used by the config is off", async () => {
    const refused = await doctor({ SLACK_BOT_TOKEN: "xoxb-wrong", DISCORD_BOT_TOKEN: "wrong" });
    expect(refused.fixes).toEqual([
      expect.stringMatching(
        /^FIX {2}Slack: the bot token was refused \(invalid_auth\): copy the Bot User OAuth Token/,
      ),
      expect.stringMatching(
        /^FIX {2}Discord: the bot token was refused \(401 .*\): reset it under Developer Portal/,
      ),
    ]);
    const lines: string[] = [];
    const code = await runDoctor({
      settings: settingsFromEnv({}),
      config: CONFIG,
      log: silentLogger,
      write: (l) => lines.push(l),
    });
    expect(code).toBe(1);
    expect(lines.filter((l) => l.startsWith("FIX"))).toEqual([
      expect.stringContaining("FIX  Slack is off but makers uses it"),
      expect.stringContaining("FIX  Discord is off but gamers uses it"),
    ]);
  });

  it("runs as `gatekeeper doctor`, printing the lines and exiting 1", async () => {
    slack.members.set("C0MEMBERS", new Set());
    const dir = mkdtempSync(join(tmpdir(), "gk-doctor-"));
    try {
      const file = join(dir, "gatekeeper.yaml");
      writeFileSync(file, YAML);
      const child = spawn(process.execPath, ["bin/gatekeeper.js", "doctor"], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, GATEKEEPER_CONFIG: file, ...env() },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.stderr?.on("data", (d: Buffer) => {
        out += d.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(out).toContain("FIX  Slack makers: the bot is not a member of the granted channel #c0members");
      expect(out).toContain("1 thing needs fixing");
      expect(code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
