import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as z from "zod";
import * as Capacity from "../core/capacity.js";
import * as Communities from "../core/communities.js";
import { compileConfig } from "../core/config/compiled.js";
import { ConfigError, loadConfig } from "../core/config/load.js";
import { configSchema, type GatekeeperConfig } from "../core/config/schema.js";
import { ENDPOINT_PATHS } from "../core/deployment.js";
import * as Insights from "../core/insights.js";
import { createLogger } from "../core/log.js";
import * as Messages from "../core/messages.js";
import * as Outbox from "../core/outbox.js";
import * as Privacy from "../core/privacy.js";
import * as Requests from "../core/requests.js";
import { loadSettings, type Settings, SettingsError } from "../core/settings.js";
import { STATS_KEEP_DAYS } from "../core/stats.js";
import { createDynamoClient } from "../core/store/client.js";
import { ensureTable } from "../core/store/create-table.js";
import { plainText } from "../core/text.js";
import { type BulkAction, bulkDecide } from "../core/usecases/bulk.js";
import { operatorOrigin } from "../core/usecases/origin.js";
import { ALL_PLATFORMS } from "../functions/effects.js";
import { createRuntime, type Runtime } from "../functions/runtime.js";
import { createSweeper } from "../functions/sweeper.js";
import { JavaMissingError, startDynamoDbLocal } from "./local/dynamodb-local.js";
import { runningEndpoint } from "./local/running.js";
import { DataDirInUseError, type LocalServer, PlatformConnectError, startServer } from "./server.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const EXAMPLE = join(ROOT, "gatekeeper.example.yaml");
const DEFAULT_CONFIG = "./gatekeeper.yaml";

const USAGE = `Usage: gatekeeper <command>

Commands:
  serve                        run the local bot (what npm start runs)
  check [file] [--json <out>]  validate a config file (default: GATEKEEPER_CONFIG or ./gatekeeper.yaml);
                               --json also writes it as the JSON the deployed functions read
  sweep [--now ISO-8601]       one pass of the scheduled work: expiry, reminders, waitlist, retention, retries
                               (--now moves the clock of decisions, never the outbox's leases)
  outbox list [--all]          deliveries that are stuck (--all: every open one, and those given up)
  outbox retry [id]            re-drive a delivery now (id as listed: <request>/<name>), or all stuck ones
  discord register [--guild]   register the Discord commands (globally, or per configured guild)
  doctor                       check the config and credentials against Slack and Discord; exit 1 with what to fix
  block <community> <user>     stop a user from applying
  unblock <community> <user>   allow them again
  release <community> <user>   a member left: free their seat and admit from the waitlist
  decide <community> --approve-passing | --approve <ids…> | --deny <ids…> [--reason TEXT]
                               decide in bulk, as an operator, exactly as moderators' clicks would
  stats [community] [--days N] [--json]
                               requests, decisions, time to decision, seats, top failed rules
  forget <community> <user>    erase a user's personal data from all their requests there (keeps the audit)
  schema                       print the JSON Schema of gatekeeper.yaml
`;

/** Runs one CLI command; returns the exit code. Named errors become one-line messages, not stack traces. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "serve":
        return await serve();
      case "check":
        return check(rest);
      case "sweep":
        return await sweepOnce(rest);
      case "outbox":
        return await outbox(rest);
      case "discord":
        return await discord(rest);
      case "doctor":
        return await doctor();
      case "block":
      case "unblock":
        return await block(rest, command === "block");
      case "release":
        return await release(rest);
      case "decide":
        return await decideCommand(rest);
      case "stats":
        return await statsCommand(rest);
      case "forget":
        return await forget(rest);
      case "schema":
        process.stdout.write(`${JSON.stringify(jsonSchema(), null, 2)}\n`);
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof SettingsError ||
      error instanceof JavaMissingError ||
      error instanceof DataDirInUseError ||
      error instanceof PlatformConnectError
    ) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
      return 1;
    }
    throw error;
  }
}

class UsageError extends Error {
  override name = "UsageError";
}

/** The config path, falling back to the example when the default file is absent (and saying so). */
function configFor(settings: Settings): { path: string; config: GatekeeperConfig; example: boolean } {
  if (settings.configPath === DEFAULT_CONFIG && !existsSync(DEFAULT_CONFIG)) {
    return { path: EXAMPLE, config: loadConfig(EXAMPLE), example: true };
  }
  return { path: settings.configPath, config: loadConfig(settings.configPath), example: false };
}

async function serve(): Promise<number> {
  const settings = loadSettings();
  const { path, config, example } = configFor(settings);
  if (example) {
    process.stdout.write(
      `No ${DEFAULT_CONFIG} found: using the example, ${relative(process.cwd(), path) || path}. ` +
        "Copy it to gatekeeper.yaml and edit it for your communities.\n",
    );
  }
  if (!settings.dynamodbEndpoint)
    process.stdout.write(`Starting the embedded DynamoDB Local (data in ${settings.dataDir})…\n`);
  const server = await startServer({ settings, config });
  const { slack: slackLine, discord: discordLine } = transportSummary(server.transports);
  process.stdout.write(
    [
      `Gatekeeper is listening on http://localhost:${new URL(server.url).port}`,
      `  Slack:       ${slackLine}`,
      `  Discord:     ${discordLine}`,
      `  DynamoDB:    ${server.dynamodbEndpoint} (${server.embeddedDynamoDb ? `embedded, data in ${settings.dataDir}` : "DYNAMODB_ENDPOINT"}), table ${settings.tableName}`,
      `  Communities: ${config.communities.map((c) => `${c.id} (${c.platform})`).join(", ")} from ${relative(process.cwd(), path) || path}`,
      "  Health:      GET /healthz",
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolveStop) => {
    const stop = (signal: string) => {
      process.stdout.write(`\n${signal}: shutting down…\n`);
      resolveStop();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await server.close();
  return 0;
}

const OFF_LINE = "off (set its credentials to turn it on)";

/** "on  POST /slack/events", "on (Socket Mode)", "on (Gateway)", or how to turn it on. */
export function transportSummary(t: LocalServer["transports"]): { slack: string; discord: string } {
  const slack =
    t.slack === "socket-mode"
      ? "on (Socket Mode)"
      : t.slack === "http"
        ? `on  POST ${ENDPOINT_PATHS.slack}`
        : OFF_LINE;
  const discord =
    t.discord === "gateway"
      ? "on (Gateway)"
      : t.discord === "gateway+http"
        ? `on (Gateway; also POST ${ENDPOINT_PATHS.discord})`
        : t.discord === "http"
          ? `on  POST ${ENDPOINT_PATHS.discord}`
          : OFF_LINE;
  return { slack, discord };
}

function check(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError("check takes one file.");
  const path = positionals[0] ?? loadSettings().configPath;
  try {
    const config = loadConfig(path);
    if (values.json !== undefined) {
      mkdirSync(dirname(resolve(values.json)), { recursive: true });
      writeFileSync(values.json, compileConfig(config));
    }
    process.stdout.write(
      `${path}: ok, ${config.communities.length} ${config.communities.length === 1 ? "community" : "communities"} ` +
        `(${config.communities.map((c) => `${c.id} on ${c.platform}`).join(", ")})\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** A runtime against the configured DynamoDB, or an embedded one on the data directory. */
async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>, now?: () => Date): Promise<T> {
  const settings = loadSettings();
  const { config } = configFor(settings);
  // The running `npm start`'s database if there is one, else an embedded one on the data folder.
  const running = settings.dynamodbEndpoint
    ? undefined
    : await runningEndpoint(settings.dataDir, settings.region);
  if (running) process.stderr.write(`Using the running Gatekeeper's DynamoDB Local at ${running}.\n`);
  const dynamo =
    settings.dynamodbEndpoint || running
      ? undefined
      : await startDynamoDbLocal({ dataDir: settings.dataDir });
  try {
    const endpoint = settings.dynamodbEndpoint ?? running ?? dynamo?.endpoint;
    await ensureTable(createDynamoClient({ endpoint, region: settings.region }), settings.tableName);
    const runtime = createRuntime(
      { ...settings, dynamodbEndpoint: endpoint },
      {
        config,
        platforms: ALL_PLATFORMS,
        log: createLogger("warn", undefined, settings.logFormat ?? "pretty"),
        ...(now ? { now } : {}),
      },
    );
    return await work(runtime);
  } finally {
    await dynamo?.stop();
  }
}

async function sweepOnce(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { now: { type: "string" } } });
  let now: (() => Date) | undefined;
  if (values.now !== undefined) {
    const parsed = z.iso.datetime({ offset: true }).safeParse(values.now);
    if (!parsed.success)
      throw new UsageError(`--now must be an ISO-8601 date-time, like 2026-01-31T12:00:00Z`);
    const fixed = new Date(parsed.data);
    now = () => fixed;
  }
  const report = await withRuntime((runtime) => createSweeper(runtime)(), now);
  process.stdout.write(
    `Swept: ${report.expired} expired, ${report.reminded} reminded, ${report.admitted} admitted from waitlists; ` +
      `outbox: ${report.effects.done} done, ${report.effects.retry} to retry, ${report.effects.failed} failed, ` +
      `${report.effects.dead} dead; ${report.stuck} stuck; ${report.deadLetters} in the dead-letter index.\n` +
      `Moderator tools: ${report.timers?.noReply ?? 0} unanswered questions, ${report.timers?.claimsEnded ?? 0} claims ended; ` +
      `Discord members checked ${report.members?.checked ?? 0}, seats freed ${report.members?.freed ?? 0}.\n`,
  );
  return 0;
}

async function doctor(): Promise<number> {
  const settings = loadSettings();
  const { config } = configFor(settings);
  const { runDoctor } = await import("./doctor.js");
  return runDoctor({
    settings,
    config,
    log: createLogger("warn", undefined, settings.logFormat ?? "pretty"),
    write: (line) => process.stdout.write(`${line}\n`),
  });
}

async function outbox(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "list": {
      const { values } = parseArgs({ args: rest, options: { all: { type: "boolean", default: false } } });
      return withRuntime(async (runtime) => {
        const entries = values.all
          ? await Outbox.allOpenEntries(runtime.core)
          : await Outbox.stuckEntries(runtime.core);
        if (entries.length === 0) {
          process.stdout.write(values.all ? "The outbox is empty.\n" : "Nothing is stuck.\n");
          return 0;
        }
        process.stdout.write(`${entries.map(describeEntry).join("\n")}\n`);
        return 0;
      });
    }
    case "retry": {
      const [id] = rest;
      return withRuntime(async (runtime) => {
        const { core, performers } = runtime;
        const keys = id ? [entryKey(id)] : await Outbox.stuckEntries(core);
        if (keys.length === 0) {
          process.stdout.write("Nothing is stuck.\n");
          return 0;
        }
        let failed = 0;
        for (const key of keys) {
          const result = await Outbox.retryNow(core, performers, key);
          if (result !== "done") failed++;
          process.stdout.write(`${key.requestId}/${key.name}: ${RETRY_WORDS[result] ?? result}\n`);
        }
        return failed === 0 ? 0 : 1;
      });
    }
    default:
      throw new UsageError(`Unknown outbox command "${sub ?? ""}".`);
  }
}

const RETRY_WORDS: Partial<Record<Outbox.RetryResult, string>> = {
  done: "done",
  retry: "failed again; it stays scheduled (see gatekeeper outbox list)",
  failed: "failed for good (shown on the card)",
  dead: "failed; given up",
  skipped: "taken by another delivery",
  stopped: "performed, not yet settled; the next sweep settles it",
  deferred: "not started (out of time)",
  "not-found": "no such delivery",
  running: "running right now; try again in a minute",
  settled: "already done",
};

/** `<request>/<name>` as `outbox list` prints it. */
function entryKey(id: string): { requestId: string; name: string } {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1)
    throw new UsageError(`A delivery id looks like <request>/<name>, e.g. r0123abcd/grant; got "${id}".`);
  return { requestId: id.slice(0, slash), name: id.slice(slash + 1) };
}

function describeEntry(e: Outbox.EffectItem): string {
  const failures = `${e.failures} ${e.failures === 1 ? "failure" : "failures"}`;
  const next = e.status === "retry" ? `, next try ${e.dueAt}` : "";
  return (
    `${e.requestId}/${e.name}  ${e.status} (${e.communityId} on ${e.platform}), ${failures}${next}, ` +
    `since ${e.createdAt}${e.stuckAt ? `, stuck since ${e.stuckAt}` : ""}\n    ${e.lastError ?? "no error recorded"}`
  );
}

async function discord(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "register") throw new UsageError(`Unknown discord command "${sub ?? ""}".`);
  const { values } = parseArgs({ args: rest, options: { guild: { type: "boolean", default: false } } });
  const settings = loadSettings();
  if (!settings.discord) {
    throw new SettingsError(
      "Discord is off: set DISCORD_BOT_TOKEN (over the Gateway), or DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN.",
    );
  }
  const { config } = configFor(settings);
  const { registerDiscordCommands } = await import("./discord-register.js");
  const result = await registerDiscordCommands({ settings: settings.discord, config, guild: values.guild });
  process.stdout.write(`${result.summary}\n`);
  return 0;
}

function communityArg(config: GatekeeperConfig, id: string | undefined) {
  const community = id ? Communities.find({ config }, id) : undefined;
  if (!community) {
    throw new UsageError(
      `Unknown community "${id ?? ""}"; known: ${config.communities.map((c) => c.id).join(", ")}.`,
    );
  }
  return community;
}

async function block(args: string[], blocked: boolean): Promise<number> {
  const [id, user] = args;
  if (!user) throw new UsageError("Name the community and the user id.");
  return withRuntime(async (runtime) => {
    const community = communityArg(runtime.core.config, id);
    await Requests.setBlocked(runtime.core, community, user, blocked);
    process.stdout.write(`${user} is ${blocked ? "blocked from" : "allowed to apply to"} ${community.id}.\n`);
    return 0;
  });
}

async function release(args: string[]): Promise<number> {
  const [id, user] = args;
  if (!user) throw new UsageError("Name the community and the user id.");
  return withRuntime(async (runtime) => {
    const community = communityArg(runtime.core.config, id);
    const { left, admitted } = await Capacity.leave(runtime.core, community, user);
    process.stdout.write(
      left
        ? `Released ${user}'s seat in ${community.id} (their access is being taken back); admitted ${admitted.length} from the waitlist.\n`
        : `${user} is not a member of ${community.id}; nothing changed.\n`,
    );
    return left ? 0 : 1;
  });
}

async function forget(args: string[]): Promise<number> {
  const [id, user] = args;
  if (!user) throw new UsageError("Name the community and the user id.");
  return withRuntime(async (runtime) => {
    const community = communityArg(runtime.core.config, id);
    const { erased } = await Privacy.forget(runtime.core, community, user);
    const plural = erased.length === 1 ? "request" : "requests";
    process.stdout.write(
      `Removed ${user}'s personal data from ${erased.length} ${plural} in ${community.id}` +
        `${erased.length > 0 ? ` (${erased.join(", ")}); the cards will be updated` : ""}. ` +
        "Decisions and the audit trail are kept.\n",
    );
    return 0;
  });
}

/** The JSON Schema editors use to complete and check gatekeeper.yaml. */
export function jsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    title: "Gatekeeper communities (gatekeeper.yaml)",
  };
}

/**
 * `gatekeeper decide`: the bulk-decision use case with an operator origin (only the CLI builds
 * one): each request decided as a moderator's click would be, in queue order. Notices, grants and
 * card updates are outbox work: the running bot's worker performs them, or the next sweep.
 */
async function decideCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      "approve-passing": { type: "boolean", default: false },
      approve: { type: "boolean", default: false },
      deny: { type: "boolean", default: false },
      reason: { type: "string" },
    },
  });
  const [id, ...ids] = positionals;
  const chosen = [values["approve-passing"], values.approve, values.deny].filter(Boolean).length;
  if (!id || chosen !== 1)
    throw new UsageError("Name the community and one of --approve-passing, --approve <ids…>, --deny <ids…>.");
  if (values["approve-passing"] && ids.length > 0)
    throw new UsageError("--approve-passing takes no request ids.");
  if (!values["approve-passing"] && ids.length === 0) throw new UsageError("Name the request ids to decide.");
  if (values.reason !== undefined && !values.deny) throw new UsageError("--reason goes with --deny.");
  const action: BulkAction = values["approve-passing"]
    ? { kind: "approve-passing" }
    : values.approve
      ? { kind: "approve", requestIds: ids }
      : { kind: "deny", requestIds: ids, reason: values.reason };
  return withRuntime(async (runtime) => {
    const community = communityArg(runtime.core.config, id);
    const origin = operatorOrigin(community, userInfo().username || "operator");
    const outcome = await bulkDecide(runtime.core, origin, community.id, action);
    if (outcome.kind !== "done") throw new UsageError(`Cannot decide in ${community.id} (${outcome.kind}).`);
    process.stdout.write(
      `${community.id}: ${plainText(Messages.bulkReport(outcome.report))} (${outcome.report.asked} asked, ${outcome.report.ms} ms)\n`,
    );
    return 0;
  });
}

/** `gatekeeper stats`: the insights of one community or all, over N days, as text or JSON. */
async function statsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { days: { type: "string", default: "7" }, json: { type: "boolean", default: false } },
  });
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > STATS_KEEP_DAYS)
    throw new UsageError(`--days must be a whole number from 1 to ${STATS_KEEP_DAYS}.`);
  return withRuntime(async (runtime) => {
    const config = runtime.core.config;
    const list = positionals[0] ? [communityArg(config, positionals[0])] : config.communities;
    const figures = await Promise.all(list.map((c) => Insights.read(runtime.core, c, days)));
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify(figures, (_, v) => (v === Number.POSITIVE_INFINITY ? "Infinity" : v), 2)}\n`,
      );
    } else {
      process.stdout.write(
        `${figures.map((f, i) => plainText(Messages.insights(list[i] ?? { name: f.communityId }, f))).join("\n\n")}\n`,
      );
    }
    return 0;
  });
}
