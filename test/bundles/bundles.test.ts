import { spawn } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileConfig } from "../../core/config/compiled.js";
import { loadConfig } from "../../core/config/load.js";
import { OFF, TABLE_LINK } from "../../core/deployment.js";
import { keys } from "../../core/model.js";
import { discordTestKeys } from "../support/discord-sign.js";
import { createTestStore, type TestStore } from "../support/dynamo.js";
import { slackSignature } from "../support/slack-sign.js";
import { type Bundle, bundleLikeSst, DRAWS_CHARTS, FUNCTIONS, type FunctionName } from "./build.js";

/**
 * Each Lambda function, bundled as `sst deploy` bundles it, loaded in a fresh Node process from a
 * folder outside the project (no node_modules to fall back on), with its settings fed the way a
 * deployed function gets them (SST_RESOURCE_App plus the encrypted links file, the communities
 * file next to the bundle) and called once with a realistic event. A dependency the bundle lacks,
 * a module that does work at import time, or a broken link between settings and SST fails here.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
type Name = FunctionName;

const SIGNING_SECRET = "bundle-test-signing-secret";
const discord = discordTestKeys();

type Package = Bundle;

const work = mkdtempSync(join(tmpdir(), "gk-bundles-"));
const packages = new Map<Name, Package>();
let store: TestStore;
let deadPort: number;
let linkKey: Buffer;
const measured: Record<string, { bytes: number; importMs?: number; firstCallMs?: number }> = {};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

beforeAll(async () => {
  const started = Date.now();
  [store, deadPort] = await Promise.all([createTestStore(), freePort()]);
  linkKey = randomBytes(32);
  // SST's links file: the function's links as JSON, AES-256-GCM with a zero nonce, tag appended.
  const links = {
    [TABLE_LINK]: { name: store.table, type: "sst.aws.Dynamo" },
    SlackSigningSecret: { value: SIGNING_SECRET, type: "sst.sst.Secret" },
    SlackBotToken: { value: "xoxb-bundle-test", type: "sst.sst.Secret" },
    DiscordPublicKey: { value: discord.publicKeyHex, type: "sst.sst.Secret" },
    DiscordApplicationId: { value: "100000000000000009", type: "sst.sst.Secret" },
    DiscordBotToken: { value: "discord-bundle-test", type: "sst.sst.Secret" },
  };
  const cipher = createCipheriv("aes-256-gcm", linkKey, Buffer.alloc(12, 0));
  const encrypted = Buffer.concat([
    cipher.update(JSON.stringify(links)),
    cipher.final(),
    cipher.getAuthTag(),
  ]);

  const compiledConfig = compileConfig(loadConfig(join(root, "gatekeeper.example.yaml")));
  const built = await bundleLikeSst(
    FUNCTIONS.map((name) => join(root, "functions", `${name}.ts`)),
    work,
  );
  for (const name of FUNCTIONS) {
    const pkg = built.get(name);
    if (!pkg) throw new Error(`${name} was not bundled`);
    // What copyFiles puts next to the bundle (stacks/common.ts), and what SST adds.
    writeFileSync(join(pkg.dir, "gatekeeper.json"), compiledConfig);
    writeFileSync(join(pkg.dir, "resource.enc"), encrypted);
    packages.set(name, pkg);
    measured[name] = { bytes: pkg.bytes };
  }
  if (process.env.GK_TEST_DEBUG)
    console.log(`bundled ${FUNCTIONS.length} functions in ${Date.now() - started} ms`);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  const largest = (name: string) =>
    [...(packages.get(name as Name)?.sources ?? [])]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([source, bytes]) => `${source} ${kb(bytes)}`)
      .join(", ");
  console.info(
    `bundle sizes (minified ESM, like SST) and fresh-process timings:\n${Object.entries(measured)
      .map(
        ([n, m]) =>
          `  ${n.padEnd(16)} ${kb(m.bytes).padStart(8)}, import ${m.importMs ?? "?"} ms, ` +
          `first call ${m.firstCallMs ?? "?"} ms; largest: ${largest(n)}`,
      )
      .join("\n")}`,
  );
});

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

interface Invocation {
  importMs: number;
  arity: number;
  results: { result: unknown; ms: number }[];
  /** Lines the function wrote to stdout before the result: its EMF metrics. */
  stdout: string[];
}

/** Loads one bundle in a fresh `node` and calls its handler with each event in turn. */
async function invoke(name: Name, events: unknown[]): Promise<Invocation> {
  const pkg = packages.get(name);
  if (!pkg) throw new Error(`${name} was not bundled`);
  const input = join(pkg.dir, "input.json");
  const dead = `http://127.0.0.1:${deadPort}`;
  const app = JSON.stringify({ name: "gatekeeper", stage: "test" });
  writeFileSync(
    input,
    JSON.stringify({
      // Touching any of these at import time fails: links file, config file, table endpoint.
      poison: {
        SST_RESOURCE_App: app,
        SST_KEY: linkKey.toString("base64"),
        SST_KEY_FILE: join(pkg.dir, "missing-resource.enc"),
        GATEKEEPER_CONFIG: join(pkg.dir, "missing.yaml"),
        DYNAMODB_ENDPOINT: dead,
      },
      // What the deployed function has (stacks/common.ts), plus the test's endpoints.
      env: {
        SST_RESOURCE_App: app,
        SST_KEY: linkKey.toString("base64"),
        SST_KEY_FILE: "resource.enc",
        GATEKEEPER_CONFIG: join(pkg.dir, "gatekeeper.json"),
        AWS_LAMBDA_FUNCTION_NAME: `gatekeeper-test-${name}`,
        DYNAMODB_ENDPOINT: store.endpoint,
        SLACK_API_URL: `${dead}/api/`,
        DISCORD_API_URL: `${dead}/api`,
      },
      events,
    }),
  );
  const child = spawn(process.execPath, [join(root, "test", "bundles", "invoke.mjs"), pkg.file, input], {
    cwd: pkg.dir,
    env: {
      PATH: process.env.PATH ?? "",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`${name} bundle exited ${code}:\n${stderr}`);
  const lines = stdout.trim().split("\n");
  const out = {
    ...(JSON.parse(lines.at(-1) ?? "") as Omit<Invocation, "stdout">),
    stdout: lines.slice(0, -1),
  };
  measured[name] ??= { bytes: pkg.bytes };
  if (measured[name].importMs === undefined) {
    measured[name] = { bytes: pkg.bytes, importMs: out.importMs, firstCallMs: out.results[0]?.ms };
  }
  return out;
}

function httpEvent(path: string, headers: Record<string, string>, body: string): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: {
      host: "abc123.lambda-url.us-east-1.on.aws",
      "content-length": String(Buffer.byteLength(body)),
      ...headers,
    },
    requestContext: {
      accountId: "anonymous",
      apiId: "abc123",
      domainName: "abc123.lambda-url.us-east-1.on.aws",
      domainPrefix: "abc123",
      http: { method: "POST", path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" },
      requestId: randomBytes(8).toString("hex"),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

describe("each function bundles only what it runs", () => {
  const slackCode = ["@slack/bolt", "@slack/web-api", "bots/slack"];
  const discordCode = ["@discordjs/rest", "@discordjs/builders", "discord-api-types", "bots/discord"];
  const carried = (name: Name, sources: string[]) =>
    sources.filter((source) => packages.get(name)?.sources.has(source));

  it("the endpoints: the Slack function no Discord code, the Discord function no Slack code", () => {
    expect(carried("slack", ["@slack/bolt", "bots/slack"])).toEqual(["@slack/bolt", "bots/slack"]);
    expect(carried("slack", discordCode)).toEqual([]);
    expect(carried("discord", ["bots/discord"])).toEqual(["bots/discord"]);
    expect(carried("discord", slackCode)).toEqual([]);
    // Late answers' webhook client (bots/discord/webhooks.ts, imported on first use) rides in
    // the Discord function on the REST client's web build, not its undici one.
    expect(carried("discord", ["undici"])).toEqual([]);
  });

  it("none carries a YAML parser: deployed functions read the config compiled to JSON", () => {
    for (const name of FUNCTIONS) expect(carried(name, ["yaml"])).toEqual([]);
  });

  it("the workers, sweepers and digest functions: their own platform's client only, and no Bolt", () => {
    for (const name of ["slack-worker", "slack-sweeper", "slack-digest"] as const) {
      expect(carried(name, ["@slack/web-api", "bots/slack"])).toEqual(["@slack/web-api", "bots/slack"]);
      expect(carried(name, ["@slack/bolt", ...discordCode])).toEqual([]);
    }
    for (const name of ["discord-worker", "discord-sweeper", "discord-digest"] as const) {
      expect(carried(name, ["@discordjs/rest", "bots/discord"])).toEqual(["@discordjs/rest", "bots/discord"]);
      expect(carried(name, slackCode)).toEqual([]);
      // The REST client's web build, on Node's fetch (tsconfig.json paths), not its undici one.
      expect(carried(name, ["undici"])).toEqual([]);
    }
  });

  it("the digest's chart (vega, vega-lite) only in the digest functions, the ones that post digests", () => {
    const chart = ["vega", "vega-lite"];
    // Names are kept in the bundle (keepNames, as SST bundles): core/chart.ts's entry point.
    const drawsCharts = (name: Name) =>
      readFileSync(packages.get(name)?.file ?? "", "utf8").includes("renderWeeklyChart");
    for (const name of FUNCTIONS.filter((n) => !DRAWS_CHARTS.includes(n))) {
      expect(carried(name, chart)).toEqual([]);
      expect(drawsCharts(name)).toBe(false);
    }
    for (const name of DRAWS_CHARTS) {
      expect(carried(name, chart)).toEqual(chart);
      expect(drawsCharts(name)).toBe(true);
    }
    // The rasteriser is native: left out of every bundle, installed by SST (stacks/common.ts).
    for (const name of FUNCTIONS) expect(carried(name, ["@resvg/resvg-js"])).toEqual([]);
  });
});

describe("each function, bundled like SST, in a fresh process", () => {
  it("slack: refuses a bad signature with 401, answers Slack's URL check", async () => {
    const ts = Math.floor(Date.now() / 1000);
    const command = new URLSearchParams({
      command: "/apply",
      team_id: "T0123ABCD",
      user_id: "U1",
    }).toString();
    const check = JSON.stringify({ token: "t", challenge: "bundle-challenge", type: "url_verification" });
    const slackHeaders = (body: string, signature = slackSignature(SIGNING_SECRET, body, ts)) => ({
      "content-type": body.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signature,
    });
    const out = await invoke("slack", [
      httpEvent("/slack/events", slackHeaders(command, `v0=${"0".repeat(64)}`), command),
      httpEvent("/slack/events", slackHeaders(check), check),
    ]);
    expect(out.arity).toBe(2);
    expect(out.results[0]?.result).toMatchObject({ statusCode: 401 });
    expect(out.results[1]?.result).toMatchObject({ statusCode: 200 });
    expect(JSON.stringify(out.results[1]?.result)).toContain("bundle-challenge");
  });

  it("discord: refuses a bad signature with 401, answers Discord's PING", async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const ping = JSON.stringify({ type: 1, id: "100000000000000010", application_id: "100000000000000009" });
    const out = await invoke("discord", [
      httpEvent(
        "/discord/interactions",
        {
          "content-type": "application/json",
          "x-signature-ed25519": "00".repeat(64),
          "x-signature-timestamp": ts,
        },
        ping,
      ),
      httpEvent(
        "/discord/interactions",
        {
          "content-type": "application/json",
          "x-signature-ed25519": discord.sign(ts, ping),
          "x-signature-timestamp": ts,
        },
        ping,
      ),
    ]);
    expect(out.arity).toBe(2);
    expect(out.results[0]?.result).toMatchObject({ statusCode: 401 });
    expect(out.results[1]?.result).toMatchObject({ statusCode: 200 });
    const answer = out.results[1]?.result as { body?: string } | undefined;
    expect(JSON.parse(answer?.body ?? "null")).toEqual({ type: 1 });
    // The answered PING's time went out as an EMF metric of this stage at the end of the invocation.
    const emf = out.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toEqual([
      expect.objectContaining({
        service: "gatekeeper-test",
        AnswerTime: expect.any(Number),
        _aws: expect.anything(),
      }),
    ]);
  });

  it.each(["slack-worker", "discord-worker"] as const)(
    "%s: an empty batch and a record that is no outbox entry leave nothing to retry",
    async (name) => {
      const request = { ...keys.request("r-bundle"), type: "request" };
      const out = await invoke(name, [
        { Records: [] },
        {
          Records: [
            {
              eventID: "1",
              eventName: "INSERT",
              eventVersion: "1.1",
              eventSource: "aws:dynamodb",
              awsRegion: "us-east-1",
              dynamodb: {
                Keys: marshall(keys.request("r-bundle")),
                NewImage: marshall(request),
                SequenceNumber: "100000000000000000001",
                SizeBytes: 60,
                StreamViewType: "NEW_AND_OLD_IMAGES",
              },
              eventSourceARN:
                "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000",
            },
          ],
        },
      ]);
      expect(out.arity).toBe(2);
      expect(out.results.map((r) => r.result)).toEqual([
        { batchItemFailures: [] },
        { batchItemFailures: [] },
      ]);
    },
  );

  it.each(["slack-digest", "discord-digest"] as const)(
    "%s: a scheduled run posts its platform's due digests, none here",
    async (name) => {
      const out = await invoke(name, [{}]);
      expect(out.results[0]?.result).toEqual({
        redriven: { done: 0, skipped: 0, retry: 0, failed: 0, dead: 0, deferred: 0, stopped: 0 },
      });
    },
  );

  it.each(["slack-sweeper", "discord-sweeper"] as const)(
    "%s: one pass over the table returns its report",
    async (name) => {
      const out = await invoke(name, [{}]);
      expect(out.arity).toBe(2);
      expect(out.results[0]?.result).toEqual({
        expired: 0,
        reminded: 0,
        admitted: 0,
        digests: [],
        effects: { done: 0, skipped: 0, retry: 0, failed: 0, dead: 0, deferred: 0, stopped: 0 },
        stuck: 0,
        deadLetters: 0,
        personal: { separated: 0, purged: 0 },
        timers: { noReply: 0, claimsEnded: 0 },
        members: { checked: 0, freed: 0, admitted: 0 },
      });
    },
  );

  it("a platform left at its placeholder is off, not an error", async () => {
    // Same bundle, links where Slack's secrets are still "off": the function starts and says so.
    const pkg = packages.get("slack");
    if (!pkg) throw new Error("slack was not bundled");
    const off = {
      [TABLE_LINK]: { name: store.table },
      SlackSigningSecret: { value: OFF },
      SlackBotToken: { value: OFF },
      DiscordPublicKey: { value: OFF },
      DiscordApplicationId: { value: OFF },
      DiscordBotToken: { value: OFF },
    };
    const cipher = createCipheriv("aes-256-gcm", linkKey, Buffer.alloc(12, 0));
    writeFileSync(
      join(pkg.dir, "resource.enc"),
      Buffer.concat([cipher.update(JSON.stringify(off)), cipher.final(), cipher.getAuthTag()]),
    );
    const body = "command=%2Fapply";
    const ts = Math.floor(Date.now() / 1000);
    const out = await invoke("slack", [
      httpEvent(
        "/slack/events",
        {
          "content-type": "application/x-www-form-urlencoded",
          "x-slack-request-timestamp": String(ts),
          "x-slack-signature": slackSignature(SIGNING_SECRET, body, ts),
        },
        body,
      ),
    ]);
    expect(out.results[0]?.result).toMatchObject({ statusCode: 404 });
  });
});
