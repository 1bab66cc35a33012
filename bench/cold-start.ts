import { spawn } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { compileConfig } from "../core/config/compiled.js";
import type { GatekeeperConfig } from "../core/config/schema.js";
import { TABLE_LINK } from "../core/deployment.js";
import { type Bundle, bundleLikeSst, FUNCTIONS } from "../test/bundles/build.js";
import { median } from "./stats.js";

/**
 * Cold starts: each function bundled as SST bundles it (test/bundles/build.ts), loaded in a fresh
 * Node process from a folder of its own (no node_modules to fall back on) and called once with a
 * realistic first event, `runs` times; the median of module initialisation (the import) and of
 * the first invocation. Next to them, measured the same way: a bare Bolt `AwsLambdaReceiver` app
 * and a bare DynamoDB PutItem handler. Processes run one after another, never in parallel.
 */
const root = fileURLToPath(new URL("../", import.meta.url));
const INVOKE = join(root, "test", "bundles", "invoke.mjs");

export interface ColdRow {
  name: string;
  bytes: number;
  /** Bytes of the largest contributors, by npm package or source folder. */
  largest: { source: string; bytes: number }[];
  importMs: number;
  firstCallMs: number;
  totalMs: number;
  runs: number;
}

export interface ColdInput {
  name: string;
  /** The first event of run `i`. */
  event(i: number): Promise<unknown> | unknown;
  /** Checks the first call's result; throws when the function did not do its job. */
  check(result: unknown): void;
  /**
   * Environment set before the import. Gatekeeper's functions read nothing at import (the test
   * in test/bundles checks it); the bare peers read their settings at module level, as usual.
   */
  atImport?: Record<string, string>;
}

export interface ColdStartOptions {
  runs: number;
  dynamodbEndpoint: string;
  table: string;
  config: GatekeeperConfig;
  secrets: Record<string, string>;
  env: Record<string, string>;
  inputs: ColdInput[];
  log: (line: string) => void;
}

export const PEERS = ["bare-bolt", "bare-put"] as const;

export interface ColdBundles {
  work: string;
  built: Map<string, Bundle>;
}

/**
 * Bundles the functions and the peers (one esbuild call), into a temporary folder that
 * `coldStarts` removes. The bench builds them while DynamoDB Local starts, before any measurement.
 */
export async function buildColdBundles(): Promise<ColdBundles> {
  const work = mkdtempSync(join(tmpdir(), "gk-cold-"));
  try {
    const built = await bundleLikeSst(
      [
        ...FUNCTIONS.map((name) => join(root, "functions", `${name}.ts`)),
        ...PEERS.map((name) => join(root, "bench", "cold", `${name}.ts`)),
      ],
      work,
    );
    return { work, built };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/** Removes the bundles' folder (when the cold starts do not run). */
export function discardColdBundles(bundles: ColdBundles): void {
  rmSync(bundles.work, { recursive: true, force: true });
}

export async function coldStarts(opts: ColdStartOptions, bundles: ColdBundles): Promise<ColdRow[]> {
  const { work, built } = bundles;
  try {
    const key = randomBytes(32);
    const links: Record<string, unknown> = { [TABLE_LINK]: { name: opts.table, type: "sst.aws.Dynamo" } };
    for (const [name, value] of Object.entries(opts.secrets)) links[name] = { value, type: "sst.sst.Secret" };
    const cipher = createCipheriv("aes-256-gcm", key, Buffer.alloc(12, 0));
    const encrypted = Buffer.concat([
      cipher.update(JSON.stringify(links)),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    const rows: ColdRow[] = [];
    for (const input of opts.inputs) {
      const bundle = built.get(input.name);
      if (!bundle) throw new Error(`${input.name} was not bundled`);
      writeFileSync(join(bundle.dir, "gatekeeper.json"), compileConfig(opts.config));
      writeFileSync(join(bundle.dir, "resource.enc"), encrypted);
      const imports: number[] = [];
      const calls: number[] = [];
      const totals: number[] = [];
      for (let i = 0; i < opts.runs; i++) {
        const out = await invoke(bundle, await input.event(i), input.atImport ?? {}, {
          ...opts.env,
          SST_RESOURCE_App: JSON.stringify({ name: "gatekeeper", stage: "bench" }),
          SST_KEY: key.toString("base64"),
          SST_KEY_FILE: "resource.enc",
          GATEKEEPER_CONFIG: join(bundle.dir, "gatekeeper.json"),
          AWS_LAMBDA_FUNCTION_NAME: `gatekeeper-bench-${input.name}`,
          DYNAMODB_ENDPOINT: opts.dynamodbEndpoint,
          TABLE_NAME: opts.table,
        });
        input.check(out.result);
        imports.push(out.importMs);
        calls.push(out.callMs);
        totals.push(out.importMs + out.callMs);
      }
      const row: ColdRow = {
        name: input.name,
        bytes: bundle.bytes,
        largest: [...bundle.sources]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([source, bytes]) => ({ source, bytes })),
        importMs: median(imports),
        firstCallMs: median(calls),
        totalMs: median(totals),
        runs: opts.runs,
      };
      opts.log(
        `  cold start ${row.name}: ${(row.bytes / 1024).toFixed(0)} KB, import ${row.importMs} ms, first call ${row.firstCallMs} ms`,
      );
      rows.push(row);
    }
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function invoke(
  bundle: Bundle,
  event: unknown,
  atImport: Record<string, string>,
  env: Record<string, string>,
): Promise<{ importMs: number; callMs: number; result: unknown }> {
  const input = join(bundle.dir, "input.json");
  // test/bundles/invoke.mjs sets `poison` before the import and `env` after it.
  writeFileSync(input, JSON.stringify({ poison: atImport, env, events: [event] }));
  const child = spawn(process.execPath, [INVOKE, bundle.file, input], {
    cwd: bundle.dir,
    env: {
      PATH: process.env.PATH ?? "",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
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
  if (code !== 0) {
    const message = stderr
      .split("\n")
      .filter((l) => l.length < 400)
      .slice(-12)
      .join("\n");
    throw new Error(`${bundle.file} exited ${code}:\n${message}`);
  }
  const line = stdout.trim().split("\n").at(-1) ?? "";
  const out = JSON.parse(line) as { importMs: number; results: { result: unknown; ms: number }[] };
  const first = out.results[0];
  if (!first) throw new Error(`${bundle.file}: no result`);
  return { importMs: out.importMs, callMs: first.ms, result: first.result };
}

/** A Lambda Function URL event (payload 2.0) for a POST. */
export function functionUrlEvent(
  path: string,
  headers: Record<string, string>,
  body: string,
): APIGatewayProxyEventV2 {
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
      http: { method: "POST", path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench" },
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

/** A DynamoDB stream event with one INSERT of `item` (as the worker's event source mapping sends it). */
export function streamInsert(item: Record<string, unknown>, sequence: number) {
  return {
    Records: [
      {
        eventID: String(sequence),
        eventName: "INSERT",
        eventVersion: "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: "us-east-1",
        dynamodb: {
          Keys: marshall({ pk: item.pk, sk: item.sk }),
          NewImage: marshall(item, { removeUndefinedValues: true }),
          SequenceNumber: String(100000000000000000000n + BigInt(sequence)),
          SizeBytes: 500,
          StreamViewType: "NEW_AND_OLD_IMAGES",
        },
        eventSourceARN: "arn:aws:dynamodb:us-east-1:000000000000:table/bench/stream/2026-01-01T00:00:00.000",
      },
    ],
  };
}
