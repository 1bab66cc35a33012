import { inject } from "vitest";
import { type LocalServer, startServer } from "../../cli/server.js";
import { parseConfig } from "../../core/config/load.js";
import { createLogger, type Logger } from "../../core/log.js";
import { settingsFromEnv } from "../../core/settings.js";
import {
  type DiscordTestKeys,
  discordTestKeys,
  type InteractionAnswer,
  type PostOptions,
  postInteraction,
} from "./discord-sign.js";
import { testTableName } from "./dynamo.js";
import { type FakeDiscord, startFakeDiscord } from "./fake-discord.js";

/**
 * The whole Discord path for end-to-end tests: the local server (the real Lambda handlers, the
 * stream poller driving the outbox worker) on a fresh table of the shared DynamoDB Local, with
 * `DISCORD_API_URL` pointing at a fake Discord, and signed interactions posted to
 * `/discord/interactions`. Every answer's time is kept for the test's log.
 */
export const APPLICATION_ID = "900000000000000001";

export interface DiscordHarness {
  server: LocalServer;
  fake: FakeDiscord;
  keys: DiscordTestKeys;
  endpoint: string;
  /** Answer times, by label. */
  timings: { label: string; ms: number }[];
  /** Log lines the server wrote (JSON). */
  logs: string[];
  post(label: string, payload: unknown, opts?: PostOptions): Promise<InteractionAnswer>;
  /** Polls until `check` returns a truthy value (or throws after `timeoutMs`). */
  eventually<T>(check: () => T | Promise<T>, timeoutMs?: number): Promise<NonNullable<T>>;
  /** Prints the answer times (and returns the slowest). */
  report(title: string): number;
  close(): Promise<void>;
}

export async function startDiscordHarness(
  yaml: string,
  opts: {
    now?: () => Date;
    /** The clock of outbox leases and retry times (default: the wall clock). */
    outboxNow?: () => Date;
  } = {},
): Promise<DiscordHarness> {
  const fake = await startFakeDiscord({ applicationId: APPLICATION_ID });
  const keys = discordTestKeys();
  const logs: string[] = [];
  const log: Logger = createLogger(process.env.GK_TEST_DEBUG ? "debug" : "info", (line) => {
    logs.push(line);
    if (process.env.GK_TEST_DEBUG) process.stderr.write(`${line}\n`);
  });
  const server = await startServer({
    settings: settingsFromEnv({
      DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"),
      TABLE_NAME: await testTableName("gk-discord"),
      DISCORD_PUBLIC_KEY: keys.publicKeyHex,
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_BOT_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
    }),
    config: parseConfig(yaml, "test.yaml"),
    port: 0,
    host: "127.0.0.1",
    log,
    sweepIntervalMs: false,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.outboxNow ? { outboxNow: opts.outboxNow } : {}),
  });
  const endpoint = `${server.url}/discord/interactions`;
  const timings: DiscordHarness["timings"] = [];
  return {
    server,
    fake,
    keys,
    endpoint,
    timings,
    logs,
    async post(label, payload, postOpts) {
      const answer = await postInteraction(endpoint, keys, payload, postOpts);
      timings.push({ label, ms: answer.ms });
      return answer;
    },
    async eventually(check, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      for (;;) {
        try {
          const value = await check();
          if (value) return value as NonNullable<typeof value>;
        } catch (error) {
          last = error;
        }
        if (Date.now() > deadline) {
          throw last instanceof Error ? last : new Error(`condition not met within ${timeoutMs} ms`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    report(title) {
      const slowest = Math.max(0, ...timings.map((t) => t.ms));
      const lines = timings.map((t) => `  ${t.ms.toFixed(1).padStart(7)} ms  ${t.label}`);
      console.log(
        `[${title}] interaction answer times (slowest ${slowest.toFixed(1)} ms):\n${lines.join("\n")}`,
      );
      return slowest;
    },
    async close() {
      await server.close();
      await fake.close();
    },
  };
}
