import { Resource } from "sst/resource";
import * as z from "zod";
import { metricsService, OFF, SECRET_ENV, type SecretName, TABLE_LINK } from "./deployment.js";
import type { LogFormat, LogLevel } from "./log.js";
import { TABLE } from "./store/table.js";

/**
 * Runtime settings: the one place that reads the environment. Deployed functions (and anything
 * run under `sst dev` or `sst shell`) get the table and the platform credentials from SST links
 * (see `stacks/`); the local server and the tests get them from environment variables, under the
 * names the contract lists.
 */
export interface SlackSettings {
  /** Verifies requests to `/slack/events`; absent in Socket Mode without one (no HTTP route then). */
  signingSecret?: string;
  botToken: string;
  apiUrl: string;
  /**
   * An app-level token (`xapp-…`, scope `connections:write`): the local bot connects to Slack in
   * Socket Mode instead of serving `/slack/events`. Never set on Lambda.
   */
  appToken?: string;
}

export interface DiscordSettings {
  /** Verifies requests to `/discord/interactions`; absent over the Gateway (no HTTP route then). */
  publicKey?: string;
  /** Absent over the Gateway: looked up from the token when needed (`GET /applications/@me`). */
  applicationId?: string;
  botToken: string;
  apiUrl: string;
  /** The local bot receives interactions over the Gateway (`DISCORD_TRANSPORT=gateway`). Never on Lambda. */
  gateway?: boolean;
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
  /** `LOG_FORMAT`; absent: JSON on Lambda, readable lines for `npm start`. */
  logFormat?: LogFormat;
  /** `LOG_LEVEL`; absent: info. */
  logLevel?: LogLevel;
  /** The `service` dimension of the metrics; absent (not deployed): no metrics are written. */
  metricsService?: string;
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
  SLACK_APP_TOKEN: optional.pipe(
    z
      .string()
      .regex(/^xapp-/, "an app-level token, starting with xapp-")
      .optional(),
  ),
  DISCORD_PUBLIC_KEY: optional.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "64 hex characters")
      .optional(),
  ),
  DISCORD_APPLICATION_ID: optional,
  DISCORD_BOT_TOKEN: optional,
  DISCORD_API_URL: optional.default("https://discord.com/api"),
  DISCORD_TRANSPORT: optional.pipe(z.enum(["http", "gateway"]).optional()),
  LOG_FORMAT: optional.pipe(z.enum(["json", "pretty"]).optional()),
  LOG_LEVEL: optional.pipe(z.enum(["debug", "info", "warn", "error"]).optional()),
});

type Env = Record<string, string | undefined>;

/** How a setting is named in error messages: its environment variable, or its SST link. */
type Describe = (variable: string) => string;

/** Reads settings from environment variables, failing with the names of what is wrong or half-set. */
export function settingsFromEnv(env: Env): Settings {
  return fromEnv(
    env,
    (variable) => variable,
    (missing) => `set ${missing.join(", ")} too, or unset the others`,
    "local",
  );
}

/**
 * `local`: the local bot may also use Slack's Socket Mode and Discord's Gateway. `lambda`: only
 * the HTTP endpoints exist, so a platform needs its signing secret or public key.
 */
type Where = "local" | "lambda";

function fromEnv(
  env: Env,
  describe: Describe,
  halfHint: (missing: string[]) => string,
  where: Where,
): Settings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${describe(i.path.join("."))}: ${i.message}`);
    throw new SettingsError(`Invalid settings: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  const pair = <K extends string>(platform: string, values: Record<K, string | undefined>) =>
    allOrNone(platform, values, (missing) => halfHint(missing.map(describe)));
  const slack = slackFrom(e, where, pair);
  const discord = discordFrom(e, where, pair);
  return {
    port: e.PORT,
    configPath: e.GATEKEEPER_CONFIG,
    dataDir: e.GATEKEEPER_DATA_DIR,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    tableName: e.TABLE_NAME,
    slack,
    discord,
    ...(e.LOG_FORMAT ? { logFormat: e.LOG_FORMAT } : {}),
    ...(e.LOG_LEVEL ? { logLevel: e.LOG_LEVEL } : {}),
  };
}

type ParsedEnv = z.infer<typeof envSchema>;
type Pair = <K extends string>(
  platform: string,
  values: Record<K, string | undefined>,
) => Record<K, string> | undefined;

/** Slack over HTTP (signing secret and bot token) or, locally, over Socket Mode (app and bot tokens). */
function slackFrom(e: ParsedEnv, where: Where, pair: Pair): SlackSettings | undefined {
  const appToken = where === "local" ? e.SLACK_APP_TOKEN : undefined;
  if (appToken) {
    const both = pair("Slack", { SLACK_APP_TOKEN: appToken, SLACK_BOT_TOKEN: e.SLACK_BOT_TOKEN });
    if (!both) return undefined;
    return {
      botToken: both.SLACK_BOT_TOKEN,
      apiUrl: e.SLACK_API_URL,
      appToken,
      ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
    };
  }
  const http = pair("Slack", {
    SLACK_SIGNING_SECRET: e.SLACK_SIGNING_SECRET,
    SLACK_BOT_TOKEN: e.SLACK_BOT_TOKEN,
  });
  return http
    ? { signingSecret: http.SLACK_SIGNING_SECRET, botToken: http.SLACK_BOT_TOKEN, apiUrl: e.SLACK_API_URL }
    : undefined;
}

/**
 * Discord over the interactions endpoint (public key, application id, bot token) or, locally,
 * over the Gateway (a bot token is enough): `DISCORD_TRANSPORT=gateway`, or no public key given.
 */
function discordFrom(e: ParsedEnv, where: Where, pair: Pair): DiscordSettings | undefined {
  const anySet = [e.DISCORD_PUBLIC_KEY, e.DISCORD_APPLICATION_ID, e.DISCORD_BOT_TOKEN].some(
    (v) => v !== undefined,
  );
  const gateway =
    where === "local" &&
    (e.DISCORD_TRANSPORT === "gateway" ||
      (e.DISCORD_TRANSPORT === undefined && anySet && !e.DISCORD_PUBLIC_KEY));
  if (gateway) {
    const token = pair("Discord", { DISCORD_BOT_TOKEN: e.DISCORD_BOT_TOKEN, DISCORD_TRANSPORT: "gateway" });
    if (!token) return undefined;
    return {
      botToken: token.DISCORD_BOT_TOKEN,
      apiUrl: e.DISCORD_API_URL,
      gateway: true,
      ...(e.DISCORD_APPLICATION_ID ? { applicationId: e.DISCORD_APPLICATION_ID } : {}),
      ...(e.DISCORD_PUBLIC_KEY ? { publicKey: e.DISCORD_PUBLIC_KEY } : {}),
    };
  }
  const http = pair("Discord", {
    DISCORD_PUBLIC_KEY: e.DISCORD_PUBLIC_KEY,
    DISCORD_APPLICATION_ID: e.DISCORD_APPLICATION_ID,
    DISCORD_BOT_TOKEN: e.DISCORD_BOT_TOKEN,
  });
  return http
    ? {
        publicKey: http.DISCORD_PUBLIC_KEY,
        applicationId: http.DISCORD_APPLICATION_ID,
        botToken: http.DISCORD_BOT_TOKEN,
        apiUrl: e.DISCORD_API_URL,
      }
    : undefined;
}

/** All of a platform's credentials, or none of them; some but not all is an error worth stopping for. */
function allOrNone<K extends string>(
  platform: string,
  values: Record<K, string | undefined>,
  hint: (missing: K[]) => string,
): Record<K, string> | undefined {
  const entries = Object.entries(values) as [K, string | undefined][];
  const missing = entries.filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length === entries.length) return undefined;
  if (missing.length > 0) throw new SettingsError(`${platform} is half configured: ${hint(missing)}`);
  return Object.fromEntries(entries) as Record<K, string>;
}

/** What SST links look like from inside a function: `Resource` from "sst", or a plain record in tests. */
export type Links = Record<string, unknown>;

const tableLink = z.object({ name: z.string().min(1) });
const appLink = z.object({ name: z.string().min(1), stage: z.string().min(1) });
const secretLink = z.object({ value: z.string() });

const VARIABLE_OF_LINK: Record<string, string> = { TABLE_NAME: `link ${TABLE_LINK}` };
for (const [secret, variable] of Object.entries(SECRET_ENV)) VARIABLE_OF_LINK[variable] = `secret ${secret}`;

/**
 * Settings of a function deployed by SST: the table's name and the platform credentials come
 * from its links (`Resource.Table.name`, `Resource.<Secret>.value`); everything else (region,
 * config path, API URLs, a DynamoDB endpoint for tests) from the environment as usual. A secret
 * still at its placeholder ("off", see stacks/secrets.ts) means the platform is off; a platform
 * with some of its secrets set and others not fails here, naming the missing secrets.
 */
export function settingsFromLinks(links: Links, env: Env): Settings {
  const linked: Env = { TABLE_NAME: readLink(links, TABLE_LINK, tableLink).name };
  for (const [secret, variable] of Object.entries(SECRET_ENV) as [SecretName, string][]) {
    const { value } = readLink(links, secret, secretLink);
    linked[variable] = value.trim() === OFF ? undefined : value;
  }
  const app = readLink(links, "App", appLink);
  const settings = fromEnv(
    { ...env, ...linked },
    (variable) => VARIABLE_OF_LINK[variable] ?? variable,
    (missing) =>
      `set ${missing.join(", ")} too (npx sst secret set <Name> <value>), ` +
      `or remove the others (npx sst secret remove <Name>) to turn it off, then deploy again`,
    "lambda",
  );
  return { ...settings, metricsService: metricsService(app.name, app.stage) };
}

function readLink<T>(links: Links, name: string, schema: z.ZodType<T>): T {
  if (!(name in links)) {
    throw new SettingsError(`SST link ${name} is missing: link it to this function (stacks/common.ts)`);
  }
  const parsed = schema.safeParse(links[name]);
  if (!parsed.success) {
    throw new SettingsError(
      `SST link ${name} is not what Gatekeeper expects: ${parsed.error.issues[0]?.message}`,
    );
  }
  return parsed.data;
}

/**
 * The SST links of this process, or undefined when none are active. SST feeds `Resource` from
 * `SST_RESOURCE_<Name>` environment variables (`SST_RESOURCE_App` is always there) and, in a
 * deployed function, from the encrypted file named by `SST_KEY_FILE`. Asking whether `App` is
 * linked never throws when links are absent, unlike reading a missing one.
 */
function activeLinks(): Links | undefined {
  const resource = Resource as unknown as Links;
  try {
    return "App" in resource ? resource : undefined;
  } catch (error) {
    throw new SettingsError(
      `Cannot read the SST links: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

let cached: Settings | undefined;

/** The process's settings, read once: from SST links when they are active, from the environment otherwise. */
export function loadSettings(): Settings {
  if (!cached) {
    const links = activeLinks();
    cached = links ? settingsFromLinks(links, process.env) : settingsFromEnv(process.env);
  }
  return cached;
}
