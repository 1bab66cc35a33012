import { z } from "zod";
import { TABLE } from "./store/table.js";

/**
 * Runtime settings: the one place that reads the environment. Lambda functions get the same
 * names from SST links (see `stacks/`), the local server from the shell.
 */
export interface SlackSettings {
  signingSecret: string;
  botToken: string;
  apiUrl: string;
}

export interface DiscordSettings {
  publicKey: string;
  applicationId: string;
  botToken: string;
  apiUrl: string;
}

export interface Settings {
  port: number;
  configPath: string;
  dataDir: string;
  /** Absent: the local server starts an embedded DynamoDB Local. */
  dynamodbEndpoint: string | undefined;
  region: string;
  tableName: string;
  /** Absent: Slack is off. */
  slack: SlackSettings | undefined;
  /** Absent: Discord is off. */
  discord: DiscordSettings | undefined;
}

export class SettingsError extends Error {
  override name = "SettingsError";
}

const optional = z
  .string()
  .transform((v) => v.trim())
  .optional()
  .transform((v) => (v === "" ? undefined : v));

const envSchema = z.object({
  PORT: optional.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, "a port number")
      .transform(Number)
      .pipe(z.int().max(65535))
      .default(3000),
  ),
  GATEKEEPER_CONFIG: optional.default("./gatekeeper.yaml"),
  GATEKEEPER_DATA_DIR: optional.default(".gatekeeper/"),
  DYNAMODB_ENDPOINT: optional.pipe(z.url().optional()),
  AWS_REGION: optional.default("us-east-1"),
  TABLE_NAME: optional.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, "3 to 255 letters, digits, '_', '-' or '.'")
      .default(TABLE.defaultName),
  ),
  SLACK_SIGNING_SECRET: optional,
  SLACK_BOT_TOKEN: optional,
  SLACK_API_URL: optional.default("https://slack.com/api/"),
  DISCORD_PUBLIC_KEY: optional.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "64 hex characters")
      .optional(),
  ),
  DISCORD_APPLICATION_ID: optional,
  DISCORD_BOT_TOKEN: optional,
  DISCORD_API_URL: optional.default("https://discord.com/api"),
});

type Env = Record<string, string | undefined>;

/** Reads settings from environment variables, failing with the names of what is wrong or half-set. */
export function settingsFromEnv(env: Env): Settings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new SettingsError(`Invalid settings: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  const slack = pair("Slack", {
    SLACK_SIGNING_SECRET: e.SLACK_SIGNING_SECRET,
    SLACK_BOT_TOKEN: e.SLACK_BOT_TOKEN,
  });
  const discord = pair("Discord", {
    DISCORD_PUBLIC_KEY: e.DISCORD_PUBLIC_KEY,
    DISCORD_APPLICATION_ID: e.DISCORD_APPLICATION_ID,
    DISCORD_BOT_TOKEN: e.DISCORD_BOT_TOKEN,
  });
  return {
    port: e.PORT,
    configPath: e.GATEKEEPER_CONFIG,
    dataDir: e.GATEKEEPER_DATA_DIR,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    tableName: e.TABLE_NAME,
    slack: slack
      ? {
          signingSecret: slack.SLACK_SIGNING_SECRET,
          botToken: slack.SLACK_BOT_TOKEN,
          apiUrl: e.SLACK_API_URL,
        }
      : undefined,
    discord: discord
      ? {
          publicKey: discord.DISCORD_PUBLIC_KEY,
          applicationId: discord.DISCORD_APPLICATION_ID,
          botToken: discord.DISCORD_BOT_TOKEN,
          apiUrl: e.DISCORD_API_URL,
        }
      : undefined,
  };
}

/** All of a platform's credentials, or none of them; some but not all is an error worth stopping for. */
function pair<K extends string>(
  platform: string,
  values: Record<K, string | undefined>,
): Record<K, string> | undefined {
  const entries = Object.entries(values) as [K, string | undefined][];
  const missing = entries.filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length === entries.length) return undefined;
  if (missing.length > 0) {
    throw new SettingsError(
      `${platform} is half configured: set ${missing.join(", ")} too, or unset the others`,
    );
  }
  return Object.fromEntries(entries) as Record<K, string>;
}

let cached: Settings | undefined;

/** The process's settings, read once. */
export function loadSettings(): Settings {
  cached ??= settingsFromEnv(process.env);
  return cached;
}
