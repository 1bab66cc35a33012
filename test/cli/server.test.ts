import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCommand, ScanCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBStreamEvent, AttributeValue as StreamValue } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startDynamoDbLocal } from "../../cli/local/dynamodb-local.js";
import { type LocalServer, startServer } from "../../cli/server.js";
import { silentLogger } from "../../core/log.js";
import { noMetrics } from "../../core/metrics.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { settingsFromEnv } from "../../core/settings.js";
import { createDynamoClient, createStore } from "../../core/store/client.js";
import { createWorker } from "../../functions/worker.js";
import {
  communityOf,
  configOf,
  createTestCore,
  decideAs,
  slackCommunity,
  slackProfile,
} from "../support/core.js";
import { eventually, recordingEffects } from "../support/recording-effects.js";

const config = configOf(slackCommunity({ capacity: 10 }));
const table = () => `gk-server-${Math.random().toString(36).slice(2, 10)}`;

describe("the local server", () => {
  let server: LocalServer;
  const fake = recordingEffects();

  beforeAll(async () => {
    server = await startServer({
      settings: settingsFromEnv({
        DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"),
        TABLE_NAME: table(),
        // Slack on (so its route exists), pointed at a closed loopback port.
        SLACK_SIGNING_SECRET: "test-secret",
        SLACK_BOT_TOKEN: "xoxb-test",
        SLACK_API_URL: "http://127.0.0.1:9/api/",
      }),
      config,
      port: 0,
      host: "127.0.0.1",
      log: silentLogger,
      sweepIntervalMs: false,
    });
    // Effects go to the recording port, so this test sees exactly what the worker performs.
    server.runtime.performers.slack = fake.effects;
  });
  afterAll(() => server?.close());

  it("answers /healthz with what is on", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", slack: "on", discord: "off", communities: 1 });
  });

  it("answers unknown routes 404, wrong methods 405, and bodies over 1 MB 413", async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/discord/interactions`, { method: "POST", body: "{}" })).status).toBe(
      404,
    );
    expect((await fetch(`${server.url}/slack/events`)).status).toBe(405);
    const big = await fetch(`${server.url}/slack/events`, {
      method: "POST",
      body: "x".repeat(1024 * 1024 + 1),
    });
    expect(big.status).toBe(413);
  });

  it("drives every effect of a request from the table's stream, once each", async () => {
    const core = server.runtime.core;
    const outcome = await Requests.submit(core, {
      community: communityOf(config),
      submissionKey: "stream-1",
      applicant: { userId: "U1", name: "One" },
      answers: { why: "hi" },
      profile: slackProfile("U1"),
    });
    if (outcome.kind !== "recorded") throw new Error(outcome.kind);
    const id = outcome.request.id;
    await eventually(async () => expect((await Requests.get(core, id))?.card).toBeDefined());
    await decideAs(
      core,
      { kind: "user", id: "U0MOD1" },
      {
        requestId: id,
        outcome: "approve",
      },
    );
    await eventually(async () =>
      expect((await Outbox.entriesOf(core, id)).every((e) => e.status === "done")).toBe(true),
    );
    expect(fake.calls.filter((c) => c.requestId === id).map((c) => c.kind)).toEqual(
      expect.arrayContaining(["postCard", "grant", "notify", "updateCard"]),
    );
    expect(fake.calls.filter((c) => c.requestId === id)).toHaveLength(4);
  });
});

describe("the worker handler", () => {
  it("reports records it could not process as batchItemFailures, in order", async () => {
    const server = await startServer({
      settings: settingsFromEnv({ DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"), TABLE_NAME: table() }),
      config,
      port: 0,
      host: "127.0.0.1",
      log: silentLogger,
      sweepIntervalMs: false,
    });
    try {
      // A runtime whose table is gone: claiming fails, so the records go back to the stream.
      const broken = {
        ...server.runtime,
        core: { ...server.runtime.core, store: { ...server.runtime.core.store, table: "missing-table" } },
      };
      const image = (name: string, seq: string) => ({
        eventName: "INSERT" as const,
        dynamodb: {
          SequenceNumber: seq,
          NewImage: {
            pk: { S: "REQ#r1" },
            sk: { S: `EFFECT#${name}` },
            type: { S: "effect" },
            name: { S: name },
            spec: { M: { kind: { S: name } } },
            requestId: { S: "r1" },
            communityId: { S: "makers" },
            platform: { S: "slack" },
            status: { S: "pending" },
            attempts: { N: "0" },
            createdAt: { S: "2026-01-01T00:00:00Z" },
            dueAt: { S: "2026-01-01T00:02:00Z" },
          },
        },
      });
      const result = await createWorker(broken)({
        Records: [image("card.post", "100"), image("grant", "101")],
      });
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: "100" }, { itemIdentifier: "101" }]);
      // Records that are not fresh outbox entries are ignored.
      const ignored = await createWorker(broken)({
        Records: [{ eventName: "MODIFY", dynamodb: { SequenceNumber: "1" } }],
      });
      expect(ignored.batchItemFailures).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("the worker's time limit", () => {
  it("starts no entry that could outlast Lambda's remaining time, and leaves it due for the sweeper", async () => {
    const core = await createTestCore(config);
    const fake = recordingEffects();
    const outcome = await Requests.submit(core, {
      community: communityOf(config),
      submissionKey: "deadline-1",
      applicant: { userId: "U0DEAD", name: "Dead Line" },
      answers: { why: "Time" },
      profile: slackProfile("U0DEAD"),
    });
    if (outcome.kind !== "recorded") throw new Error(outcome.kind);
    const [entry] = await Outbox.entriesOf(core, outcome.request.id);
    if (!entry) throw new Error("no entry");
    const event: DynamoDBStreamEvent = {
      Records: [
        {
          eventName: "INSERT",
          dynamodb: {
            SequenceNumber: "1",
            // The SDK's and Lambda's types for the same wire format differ.
            NewImage: marshall(entry) as Record<string, StreamValue>,
          },
        },
      ],
    };
    const worker = createWorker({
      settings: settingsFromEnv({}),
      core,
      performers: { slack: fake.effects },
      metrics: noMetrics,
    });
    const lambda = (ms: number) => ({ getRemainingTimeInMillis: () => ms });
    expect(await worker(event, lambda(5_000))).toEqual({ batchItemFailures: [] });
    expect(fake.count("postCard")).toBe(0);
    const left = (await Outbox.entriesOf(core, outcome.request.id))[0];
    expect(left?.status).toBe("pending");
    expect(Date.parse(left?.dueAt ?? "")).toBeLessThanOrEqual(Date.now());
    expect(await worker(event, lambda(30_000))).toEqual({ batchItemFailures: [] });
    expect(fake.count("postCard")).toBe(1);
  });
});

describe("gatekeeper serve (npm start)", () => {
  it("starts the embedded DynamoDB Local, reports Slack and Discord off, answers /healthz, and stops cleanly", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gk-serve-"));
    const child: ChildProcess = spawn(process.execPath, ["bin/gatekeeper.js", "serve"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: "0", GATEKEEPER_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    try {
      const port = await eventually(
        () => {
          const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
          if (!m?.[1]) throw new Error(`not yet listening:\n${out}`);
          return m[1];
        },
        30_000,
        100,
      );
      expect(out).toContain("No ./gatekeeper.yaml found: using the example");
      expect(out).toMatch(/Slack:\s+off/);
      expect(out).toMatch(/Discord:\s+off/);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ slack: "off", discord: "off", communities: 2 });
    } finally {
      child.kill("SIGTERM");
    }
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(0);
    expect(out).toContain("SIGTERM: shutting down");
  });
});

/** Processes whose command line mentions `text`, still running (zombies are not). */
function runningWith(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const state = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.[0];
      if (cmdline.includes(text) && state !== "Z") pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe("the embedded DynamoDB Local when the whole process group is killed", () => {
  it("keeps the last acknowledged write and leaves no Java behind after kill -9 -PGID of npm start", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gk-groupkill-"));
    // Its own process group, like a job started from a terminal: the group is what a closed
    // terminal or a container stop can kill at once.
    const child: ChildProcess = spawn(process.execPath, ["bin/gatekeeper.js", "serve"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: "0", GATEKEEPER_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const group = child.pid ?? 0;
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    let killed = false;
    try {
      const endpoint = await eventually(
        () => {
          const m = /DynamoDB:\s+(http:\/\/127\.0\.0\.1:\d+) \(embedded/.exec(out);
          if (!m?.[1]) throw new Error(`not started yet:\n${out}`);
          return m[1];
        },
        60_000,
        100,
      );
      const javas = runningWith(dataDir).filter((pid) =>
        readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("DynamoDBLocal.jar"),
      );
      expect(javas.length).toBeGreaterThan(0);

      // Writes the way the bot does (transactions), each acknowledged before the next.
      const client = createDynamoClient({ endpoint, region: "us-east-1" });
      const doc = createStore(client, "gatekeeper").doc;
      const WRITES = 20;
      for (let i = 0; i < WRITES; i++) {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: "gatekeeper", Item: { pk: `CRASH#${i}`, sk: "A", i } } },
              {
                Update: {
                  TableName: "gatekeeper",
                  Key: { pk: "CRASH", sk: "COUNT" },
                  UpdateExpression: "ADD n :one",
                  ExpressionAttributeValues: { ":one": 1 },
                },
              },
            ],
          }),
        );
      }
      client.destroy();

      process.kill(-group, "SIGKILL");
      killed = true;
      // Java is shut down (cleanly) by its watchdog, which then exits too: nothing is left running.
      await eventually(() => expect(runningWith(dataDir)).toEqual([]), 30_000, 100);

      const again = await startDynamoDbLocal({ dataDir });
      const client2 = createDynamoClient({ endpoint: again.endpoint, region: "us-east-1" });
      try {
        const doc2 = createStore(client2, "gatekeeper").doc;
        const count = await doc2.send(
          new GetCommand({ TableName: "gatekeeper", Key: { pk: "CRASH", sk: "COUNT" } }),
        );
        const items = await doc2.send(new ScanCommand({ TableName: "gatekeeper" }));
        const written = (items.Items ?? []).filter((item) => String(item.pk).startsWith("CRASH#")).length;
        expect({ count: count.Item?.n, written }).toEqual({ count: WRITES, written: WRITES });
      } finally {
        client2.destroy();
        await again.stop();
      }
    } finally {
      if (!killed) {
        try {
          process.kill(-group, "SIGKILL");
        } catch {
          // gone
        }
      }
      for (const pid of runningWith(dataDir)) process.kill(pid, "SIGKILL");
    }
  }, 240_000);
});
