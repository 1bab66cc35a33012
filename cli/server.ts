import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { loadConfig } from "../core/config/load.js";
import type { GatekeeperConfig } from "../core/config/schema.js";
import { ENDPOINT_PATHS, SWEEP_EVERY_MINUTES } from "../core/deployment.js";
import { createLogger, type Logger } from "../core/log.js";
import type { Metrics } from "../core/metrics.js";
import type { Settings } from "../core/settings.js";
import { createDynamoClient, createStreamsClient } from "../core/store/client.js";
import { ensureTable } from "../core/store/create-table.js";
import { createDiscordHandler } from "../functions/discord.js";
import { ALL_PLATFORMS } from "../functions/effects.js";
import { createRuntime, type Runtime } from "../functions/runtime.js";
import { createSlackHandler } from "../functions/slack.js";
import { createSweeper } from "../functions/sweeper.js";
import { createWorker } from "../functions/worker.js";
import { BodyTooLargeError, readBody, toFunctionUrlEvent, writeJson, writeResult } from "./http.js";
import { type DynamoDbLocal, startDynamoDbLocal } from "./local/dynamodb-local.js";
import { publishEndpoint, runningEndpoint } from "./local/running.js";
import { startStreamPoller } from "./local/stream-poller.js";

export interface ServerOptions {
  settings: Settings;
  /** The communities; default: read from `settings.configPath`. */
  config?: GatekeeperConfig;
  now?: () => Date;
  /** The outbox's clock (leases, retry times); default: the wall clock. See `Core.outboxNow`. */
  outboxNow?: () => Date;
  /** Default: readable one-line logs on stderr (`LOG_FORMAT=json` for JSON). */
  log?: Logger;
  /** Default: none (metrics are for CloudWatch); tests pass one that captures the EMF lines. */
  metrics?: Metrics;
  /** Port to listen on; default `settings.port` (0 picks a free one). */
  port?: number;
  host?: string;
  /** How often the local sweeper runs (Lambda: the cron); false turns it off. Default: as deployed. */
  sweepIntervalMs?: number | false;
}

export interface LocalServer {
  url: string;
  runtime: Runtime;
  /** Where DynamoDB is: the embedded one's endpoint or `DYNAMODB_ENDPOINT`. */
  dynamodbEndpoint: string;
  embeddedDynamoDb: boolean;
  /** How each platform reaches the bot: its HTTP route, Socket Mode or the Gateway; absent when off. */
  transports: { slack?: "http" | "socket-mode"; discord?: "http" | "gateway" | "gateway+http" };
  close(): Promise<void>;
}

/** Slack's Socket Mode or Discord's Gateway refused to connect (a wrong token, usually). */
export class PlatformConnectError extends Error {
  override name = "PlatformConnectError";
}

/** `npm start` twice on the same data folder: the second would corrupt the first's database. */
export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
}

type Handler = (
  event: APIGatewayProxyEventV2,
  context?: unknown,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The local bot: DynamoDB (embedded unless `DYNAMODB_ENDPOINT` is set), the table, the stream
 * poller driving the outbox worker, the periodic sweeper, and the HTTP routes in front of the
 * very handlers Lambda runs.
 */
export async function startServer(opts: ServerOptions): Promise<LocalServer> {
  const log =
    opts.log ?? createLogger(opts.settings.logLevel, undefined, opts.settings.logFormat ?? "pretty");
  const cleanup: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const step of cleanup.reverse())
      await step().catch((error: unknown) => log.warn("shutdown step failed", { error }));
  };
  try {
    let dynamo: DynamoDbLocal | undefined;
    let endpoint = opts.settings.dynamodbEndpoint;
    if (!endpoint) {
      const running = await runningEndpoint(opts.settings.dataDir, opts.settings.region);
      if (running) {
        throw new DataDirInUseError(
          `Another Gatekeeper is already running on ${opts.settings.dataDir} (its DynamoDB Local answers at ` +
            `${running}). Stop it first, or set GATEKEEPER_DATA_DIR to another folder.`,
        );
      }
      dynamo = await startDynamoDbLocal({ dataDir: opts.settings.dataDir });
      cleanup.push(() => (dynamo ? dynamo.stop() : Promise.resolve()));
      endpoint = dynamo.endpoint;
      cleanup.push(await publishEndpoint(opts.settings.dataDir, endpoint));
    }
    const settings: Settings = { ...opts.settings, dynamodbEndpoint: endpoint };
    const client = createDynamoClient({ endpoint, region: settings.region });
    const { streamArn } = await ensureTable(client, settings.tableName);
    const runtime = createRuntime(settings, {
      log,
      platforms: ALL_PLATFORMS,
      config: opts.config ?? loadConfig(settings.configPath),
      ...(opts.metrics ? { metrics: opts.metrics } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.outboxNow ? { outboxNow: opts.outboxNow } : {}),
    });

    const poller = startStreamPoller({
      client: createStreamsClient({ endpoint, region: settings.region }),
      streamArn,
      handler: createWorker(runtime),
      log,
    });
    cleanup.push(() => poller.stop());
    await poller.ready;

    const interval = opts.sweepIntervalMs ?? SWEEP_EVERY_MINUTES * 60_000;
    if (interval !== false) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        createSweeper(runtime)()
          .catch((error: unknown) => log.error("sweep failed", { error }))
          .finally(() => {
            running = false;
          });
      }, interval);
      timer.unref();
      cleanup.push(async () => clearInterval(timer));
    }

    // Each platform over HTTP (a public URL needed), or over an outgoing connection (none needed).
    const routes = new Map<string, Handler>();
    const transports: LocalServer["transports"] = {};
    const { slack, discord } = settings;
    if (slack?.appToken) {
      const { startSlackSocketMode } = await import("../bots/slack/socket-mode.js");
      const socket = await startSlackSocketMode(runtime.core, slack, log).catch(asConnectError);
      cleanup.push(() => socket.stop());
      transports.slack = "socket-mode";
    } else if (slack) {
      routes.set(ENDPOINT_PATHS.slack, createSlackHandler(runtime));
      transports.slack = "http";
    }
    if (discord?.gateway) {
      const { startDiscordGateway } = await import("../bots/discord/gateway.js");
      const gateway = await startDiscordGateway(runtime.core, discord, log).catch(asConnectError);
      cleanup.push(() => gateway.stop());
      transports.discord = discord.publicKey ? "gateway+http" : "gateway";
    } else if (discord) {
      transports.discord = "http";
    }
    if (discord?.publicKey) routes.set(ENDPOINT_PATHS.discord, createDiscordHandler(runtime));

    const server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (req.method === "GET" && path === "/healthz") {
        writeJson(res, 200, {
          status: "ok",
          table: settings.tableName,
          slack: settings.slack ? "on" : "off",
          discord: settings.discord ? "on" : "off",
          transports,
          communities: runtime.core.config.communities.length,
        });
        return;
      }
      const handler = routes.get(path);
      if (!handler) {
        writeJson(res, 404, { error: "not found" });
        return;
      }
      if (req.method !== "POST") {
        writeJson(res, 405, { error: "method not allowed" });
        return;
      }
      readBody(req)
        .then((body) => handler(toFunctionUrlEvent(req, body), {}))
        .then((result) => writeResult(res, result))
        .catch((error: unknown) => {
          if (error instanceof BodyTooLargeError) {
            writeJson(res, 413, { error: "payload too large" });
            req.resume();
            return;
          }
          log.error("handler failed", { path, error });
          if (!res.headersSent) writeJson(res, 500, { error: "internal error" });
        });
    });
    await listen(server, opts.port ?? settings.port, opts.host);
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      runtime,
      dynamodbEndpoint: endpoint,
      embeddedDynamoDb: dynamo !== undefined,
      transports,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function asConnectError(error: unknown): never {
  if (error instanceof Error && (error.name === "SlackConnectError" || error.name === "DiscordConnectError"))
    throw new PlatformConnectError(error.message);
  throw error;
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
