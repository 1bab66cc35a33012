import { spawnSync } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OFF, SECRET_ENV, TABLE_LINK } from "../../core/deployment.js";
import { type Links, SettingsError, settingsFromEnv, settingsFromLinks } from "../../core/settings.js";

const PUBLIC_KEY = "a".repeat(64);

const slackEnv = { SLACK_SIGNING_SECRET: "shh", SLACK_BOT_TOKEN: "xoxb-1" };
const discordEnv = {
  DISCORD_PUBLIC_KEY: PUBLIC_KEY,
  DISCORD_APPLICATION_ID: "123",
  DISCORD_BOT_TOKEN: "bot-1",
};

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error("expected a throw");
}

describe("settingsFromEnv", () => {
  it("defaults to the contract's values with both platforms off", () => {
    expect(settingsFromEnv({})).toEqual({
      port: 3000,
      configPath: "./gatekeeper.yaml",
      dataDir: ".gatekeeper/",
      dynamodbEndpoint: undefined,
      region: "us-east-1",
      tableName: "gatekeeper",
      slack: undefined,
      discord: undefined,
    });
  });

  it("reads every variable of the contract", () => {
    const settings = settingsFromEnv({
      PORT: "8080",
      GATEKEEPER_CONFIG: "/etc/gk.yaml",
      GATEKEEPER_DATA_DIR: "/var/gk",
      DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
      AWS_REGION: "eu-west-1",
      TABLE_NAME: "gk-test",
      ...slackEnv,
      SLACK_API_URL: "http://127.0.0.1:1/api/",
      ...discordEnv,
      DISCORD_API_URL: "http://127.0.0.1:2/api",
    });
    expect(settings).toEqual({
      port: 8080,
      configPath: "/etc/gk.yaml",
      dataDir: "/var/gk",
      dynamodbEndpoint: "http://127.0.0.1:8000",
      region: "eu-west-1",
      tableName: "gk-test",
      slack: { signingSecret: "shh", botToken: "xoxb-1", apiUrl: "http://127.0.0.1:1/api/" },
      discord: {
        publicKey: PUBLIC_KEY,
        applicationId: "123",
        botToken: "bot-1",
        apiUrl: "http://127.0.0.1:2/api",
      },
    });
  });

  it("treats empty values as unset", () => {
    const settings = settingsFromEnv({ SLACK_SIGNING_SECRET: " ", SLACK_BOT_TOKEN: "", TABLE_NAME: "" });
    expect(settings.slack).toBeUndefined();
    expect(settings.tableName).toBe("gatekeeper");
  });

  it("refuses a half-configured platform, naming the missing variables", () => {
    const error = thrown(() => settingsFromEnv({ DISCORD_PUBLIC_KEY: PUBLIC_KEY, DISCORD_BOT_TOKEN: "t" }));
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toBe(
      "Discord is half configured: set DISCORD_APPLICATION_ID too, or unset the others",
    );
    expect(thrown(() => settingsFromEnv({ SLACK_SIGNING_SECRET: "s" })).message).toContain(
      "set SLACK_BOT_TOKEN",
    );
  });

  it("names the variable whose value is wrong", () => {
    const error = thrown(() => settingsFromEnv({ ...discordEnv, DISCORD_PUBLIC_KEY: "xyz", PORT: "http" }));
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toContain("DISCORD_PUBLIC_KEY: 64 hex characters");
    expect(error.message).toContain("PORT: a port number");
  });
});

/** Links as SST feeds them to a function: the table's name and each secret's value. */
function links(
  secrets: Partial<Record<keyof typeof SECRET_ENV, string>>,
  table = "gatekeeper-prod-TableAbc",
): Links {
  const all: Links = {
    App: { name: "gatekeeper", stage: "test" },
    [TABLE_LINK]: { name: table, type: "sst.aws.Dynamo" },
  };
  for (const name of Object.keys(SECRET_ENV) as (keyof typeof SECRET_ENV)[]) {
    all[name] = { value: secrets[name] ?? OFF, type: "sst.sst.Secret" };
  }
  return all;
}

const allSecrets = {
  SlackSigningSecret: "shh",
  SlackBotToken: "xoxb-1",
  DiscordPublicKey: PUBLIC_KEY,
  DiscordApplicationId: "123",
  DiscordBotToken: "bot-1",
};

describe("settingsFromLinks", () => {
  it("takes the table and the credentials from the links, the rest from the environment", () => {
    const settings = settingsFromLinks(links(allSecrets), {
      AWS_REGION: "eu-central-1",
      GATEKEEPER_CONFIG: "/var/task/gatekeeper.yaml",
    });
    expect(settings).toMatchObject({
      region: "eu-central-1",
      configPath: "/var/task/gatekeeper.yaml",
      tableName: "gatekeeper-prod-TableAbc",
      dynamodbEndpoint: undefined,
      slack: { signingSecret: "shh", botToken: "xoxb-1", apiUrl: "https://slack.com/api/" },
      discord: {
        publicKey: PUBLIC_KEY,
        applicationId: "123",
        botToken: "bot-1",
        apiUrl: "https://discord.com/api",
      },
    });
  });

  it("reads a secret left at its placeholder as off", () => {
    const settings = settingsFromLinks(
      links({ DiscordPublicKey: PUBLIC_KEY, DiscordApplicationId: "123", DiscordBotToken: "bot-1" }),
      {},
    );
    expect(settings.slack).toBeUndefined();
    expect(settings.discord?.applicationId).toBe("123");
    const nothing = settingsFromLinks(links({}), {});
    expect(nothing.slack).toBeUndefined();
    expect(nothing.discord).toBeUndefined();
  });

  it("lets the links win over credentials and a table name in the environment", () => {
    const settings = settingsFromLinks(links({}), { ...slackEnv, TABLE_NAME: "other" });
    expect(settings.slack).toBeUndefined();
    expect(settings.tableName).toBe("gatekeeper-prod-TableAbc");
  });

  it("refuses a half-configured platform, naming the missing secrets and how to set them", () => {
    const error = thrown(() => settingsFromLinks(links({ SlackBotToken: "xoxb-1" }), {}));
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toContain("Slack is half configured: set secret SlackSigningSecret too");
    expect(error.message).toContain("npx sst secret set");
  });

  it("names a secret whose value is wrong, without showing the value", () => {
    const error = thrown(() =>
      settingsFromLinks(links({ ...allSecrets, DiscordPublicKey: "not-a-key-but-secret" }), {}),
    );
    expect(error.message).toContain("secret DiscordPublicKey: 64 hex characters");
    expect(error.message).not.toContain("not-a-key-but-secret");
  });

  it("names a link the function lacks", () => {
    const { SlackBotToken: _, ...withoutToken } = links(allSecrets);
    expect(thrown(() => settingsFromLinks(withoutToken, {})).message).toBe(
      "SST link SlackBotToken is missing: link it to this function (stacks/common.ts)",
    );
    const { [TABLE_LINK]: __, ...withoutTable } = links(allSecrets);
    expect(thrown(() => settingsFromLinks(withoutTable, {})).message).toContain("SST link Table is missing");
    expect(thrown(() => settingsFromLinks({ ...links({}), Table: { arn: "x" } }, {})).message).toContain(
      "SST link Table is not what Gatekeeper expects",
    );
  });
});

/**
 * `loadSettings()` in a fresh Node process (SST's `Resource` reads its links once per process),
 * fed the way SST feeds a process: `SST_RESOURCE_<Name>` variables (`sst dev`, `sst shell`) or
 * the encrypted file a deployed function carries (`SST_KEY`, `SST_KEY_FILE`).
 */
function loadSettingsIn(env: Record<string, string>): { settings?: Record<string, unknown>; error?: string } {
  const script = `
    const { loadSettings } = await import(${JSON.stringify(new URL("../../core/settings.ts", import.meta.url).href)});
    try { console.log(JSON.stringify({ settings: loadSettings() })); }
    catch (e) { console.log(JSON.stringify({ error: e.name + ": " + e.message })); }
  `;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`node exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}");
}

function resourceEnv(l: Links): Record<string, string> {
  return Object.fromEntries(
    Object.entries(l).map(([name, value]) => [`SST_RESOURCE_${name}`, JSON.stringify(value)]),
  );
}

const temp = mkdtempSync(join(tmpdir(), "gk-settings-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("loadSettings", () => {
  it("reads the environment when no SST links are active", () => {
    const result = loadSettingsIn({ TABLE_NAME: "from-env", ...slackEnv });
    expect(result).toMatchObject({ settings: { tableName: "from-env", slack: { botToken: "xoxb-1" } } });
    expect(result.settings?.discord).toBeUndefined();
  });

  it("reads SST links from SST_RESOURCE_* variables, ignoring the contract's variables", () => {
    const result = loadSettingsIn({
      ...resourceEnv(links({ SlackSigningSecret: "linked", SlackBotToken: "xoxb-linked" }, "linked-table")),
      TABLE_NAME: "from-env",
      ...discordEnv,
      AWS_REGION: "ap-southeast-2",
    });
    expect(result).toMatchObject({
      settings: {
        tableName: "linked-table",
        region: "ap-southeast-2",
        slack: { signingSecret: "linked", botToken: "xoxb-linked" },
      },
    });
    expect(result.settings?.discord).toBeUndefined();
  });

  it("reads the encrypted links file of a deployed function", () => {
    const { App, ...rest } = links(allSecrets, "encrypted-table");
    const key = randomBytes(32);
    const cipher = createCipheriv("aes-256-gcm", key, Buffer.alloc(12, 0));
    const file = join(temp, "resource.enc");
    writeFileSync(
      file,
      Buffer.concat([cipher.update(JSON.stringify(rest)), cipher.final(), cipher.getAuthTag()]),
    );
    const result = loadSettingsIn({
      SST_RESOURCE_App: JSON.stringify(App),
      SST_KEY: key.toString("base64"),
      SST_KEY_FILE: file,
    });
    expect(result).toMatchObject({
      settings: {
        tableName: "encrypted-table",
        slack: { botToken: "xoxb-1" },
        discord: { botToken: "bot-1" },
      },
    });
  });

  it("fails at start-up naming the missing secret of a half-configured platform", () => {
    const result = loadSettingsIn(
      resourceEnv(links({ DiscordPublicKey: PUBLIC_KEY, DiscordBotToken: "bot-1" })),
    );
    expect(result.error).toMatch(
      /^SettingsError: Discord is half configured: set secret DiscordApplicationId too/,
    );
  });
});

describe("local transports (Socket Mode, Gateway) and logging settings", () => {
  it("turns Slack on over Socket Mode with an app token and a bot token, no signing secret needed", () => {
    const settings = settingsFromEnv({ SLACK_APP_TOKEN: "xapp-1-A1-x", SLACK_BOT_TOKEN: "xoxb-1" });
    expect(settings.slack).toEqual({
      appToken: "xapp-1-A1-x",
      botToken: "xoxb-1",
      apiUrl: "https://slack.com/api/",
    });
    expect(thrown(() => settingsFromEnv({ SLACK_APP_TOKEN: "xapp-1-A1-x" })).message).toBe(
      "Slack is half configured: set SLACK_BOT_TOKEN too, or unset the others",
    );
    expect(
      thrown(() => settingsFromEnv({ SLACK_APP_TOKEN: "xoxb-wrong", SLACK_BOT_TOKEN: "xoxb-1" })).message,
    ).toContain("SLACK_APP_TOKEN: an app-level token, starting with xapp-");
  });

  it("turns Discord on over the Gateway with a bot token alone, or when asked to", () => {
    expect(settingsFromEnv({ DISCORD_BOT_TOKEN: "bot-1" }).discord).toEqual({
      botToken: "bot-1",
      apiUrl: "https://discord.com/api",
      gateway: true,
    });
    expect(settingsFromEnv({ ...discordEnv, DISCORD_TRANSPORT: "gateway" }).discord).toMatchObject({
      gateway: true,
      applicationId: "123",
      publicKey: PUBLIC_KEY,
    });
    expect(settingsFromEnv(discordEnv).discord?.gateway).toBeUndefined();
    expect(thrown(() => settingsFromEnv({ DISCORD_TRANSPORT: "gateway" })).message).toBe(
      "Discord is half configured: set DISCORD_BOT_TOKEN too, or unset the others",
    );
    expect(thrown(() => settingsFromEnv({ DISCORD_TRANSPORT: "websocket" })).message).toContain(
      "DISCORD_TRANSPORT",
    );
  });

  it("never uses Socket Mode or the Gateway on Lambda, where only the HTTP endpoints exist", () => {
    const settings = settingsFromLinks(links(allSecrets), {
      SLACK_APP_TOKEN: "xapp-1-A1-x",
      DISCORD_TRANSPORT: "gateway",
    });
    expect(settings.slack?.appToken).toBeUndefined();
    expect(settings.discord?.gateway).toBeUndefined();
    expect(settings.metricsService).toBe("gatekeeper-test");
  });

  it("reads LOG_FORMAT and LOG_LEVEL", () => {
    expect(settingsFromEnv({ LOG_FORMAT: "pretty", LOG_LEVEL: "debug" })).toMatchObject({
      logFormat: "pretty",
      logLevel: "debug",
    });
    expect(thrown(() => settingsFromEnv({ LOG_FORMAT: "xml" })).message).toContain("LOG_FORMAT");
  });
});
