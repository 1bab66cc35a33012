import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import {
  type _Record,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DynamoDbLocalStartError,
  JavaMissingError,
  startDynamoDbLocal,
} from "../../../cli/local/dynamodb-local.js";
import { createDynamoClient, createStore, createStreamsClient } from "../../../core/store/client.js";
import { ensureTable, TableShapeError } from "../../../core/store/create-table.js";
import { KEY_ATTRIBUTES, TABLE } from "../../../core/store/table.js";
import { createTestStore, type TestStore } from "../../support/dynamo.js";

const root = resolve(fileURLToPath(import.meta.url), "../../../..");

function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString("hex")}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe("ensureTable", () => {
  let store: TestStore;

  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(() => {
    store.client.destroy();
  });

  it("is idempotent, sequentially and concurrently", async () => {
    const name = uniqueName("gk-idem");
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => ensureTable(store.client, name)));
    const again = await ensureTable(store.client, name);
    const onceMore = await ensureTable(store.client, name);
    const arns = new Set([...concurrent, again, onceMore].map((r) => r.streamArn));
    expect(arns.size).toBe(1);
    expect([...arns][0]).toMatch(/stream/);
  });

  it("creates the table with keys, both indexes, a new-and-old-images stream and TTL", async () => {
    const { Table: table } = await store.client.send(new DescribeTableCommand({ TableName: store.table }));
    expect(table?.TableStatus).toBe("ACTIVE");
    expect(table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table?.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: "HASH" },
      { AttributeName: TABLE.sortKey, KeyType: "RANGE" },
    ]);
    expect(table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(table?.LatestStreamArn).toBeTruthy();

    const indexes = Object.fromEntries((table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
    for (const want of Object.values(TABLE.indexes)) {
      const index = indexes[want.name];
      expect(index?.IndexStatus).toBe("ACTIVE");
      expect(index?.Projection?.ProjectionType).toBe("ALL");
      expect(index?.KeySchema).toEqual([
        { AttributeName: want.partitionKey, KeyType: "HASH" },
        { AttributeName: want.sortKey, KeyType: "RANGE" },
      ]);
    }
    for (const attr of table?.AttributeDefinitions ?? []) expect(attr.AttributeType).toBe("S");
    expect((table?.AttributeDefinitions ?? []).map((a) => a.AttributeName).sort()).toEqual(
      [...KEY_ATTRIBUTES].sort(),
    );

    const ttl = await store.client.send(new DescribeTimeToLiveCommand({ TableName: store.table }));
    expect(ttl.TimeToLiveDescription).toEqual({
      TimeToLiveStatus: "ENABLED",
      AttributeName: TABLE.ttlAttribute,
    });
  });

  it("streams inserts and modifications with old and new images", async () => {
    const streams = createStreamsClient({ endpoint: store.endpoint, region: "us-east-1" });
    try {
      const { streamArn } = await ensureTable(store.client, store.table);
      const key = { [TABLE.partitionKey]: "STREAMTEST#1", [TABLE.sortKey]: "REQ" };
      await store.doc.send(new PutCommand({ TableName: store.table, Item: { ...key, status: "pending" } }));
      await store.doc.send(
        new UpdateCommand({
          TableName: store.table,
          Key: key,
          UpdateExpression: "SET #s = :s",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": "approved" },
        }),
      );

      const records: _Record[] = [];
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      for (const shard of StreamDescription?.Shards ?? []) {
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: "TRIM_HORIZON",
          }),
        );
        const out = await streams.send(new GetRecordsCommand({ ShardIterator }));
        records.push(...(out.Records ?? []));
      }
      const mine = records.filter((r) => r.dynamodb?.Keys?.[TABLE.partitionKey]?.S === "STREAMTEST#1");
      expect(mine.map((r) => r.eventName)).toEqual(["INSERT", "MODIFY"]);
      const modify = mine[1]?.dynamodb;
      expect(modify?.OldImage?.status?.S).toBe("pending");
      expect(modify?.NewImage?.status?.S).toBe("approved");
    } finally {
      streams.destroy();
    }
  });

  it("enables the stream on an existing table that lacks one", async () => {
    const name = uniqueName("gk-nostream");
    await createBareTable(store.client, name, true);
    const { streamArn } = await ensureTable(store.client, name);
    expect(streamArn).toMatch(/stream/);
    const { Table } = await store.client.send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.StreamSpecification?.StreamViewType).toBe("NEW_AND_OLD_IMAGES");
  });

  it("refuses an existing table of the wrong shape", async () => {
    const name = uniqueName("gk-wrong");
    await createBareTable(store.client, name, false);
    await expect(ensureTable(store.client, name)).rejects.toThrow(TableShapeError);
    await expect(ensureTable(store.client, name)).rejects.toThrow(/index gsi1 is missing/);
  });
});

/** A table made by someone else: right keys and indexes but no stream, or no indexes at all. */
async function createBareTable(client: DynamoDBClient, name: string, withIndexes: boolean): Promise<void> {
  const index = (i: { name: string; partitionKey: string; sortKey: string }) => ({
    IndexName: i.name,
    KeySchema: [
      { AttributeName: i.partitionKey, KeyType: "HASH" as const },
      { AttributeName: i.sortKey, KeyType: "RANGE" as const },
    ],
    Projection: { ProjectionType: "ALL" as const },
  });
  const attrs: readonly string[] = withIndexes ? KEY_ATTRIBUTES : [TABLE.partitionKey, TABLE.sortKey];
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: attrs.map((a) => ({ AttributeName: a, AttributeType: "S" as const })),
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: "HASH" },
        { AttributeName: TABLE.sortKey, KeyType: "RANGE" },
      ],
      ...(withIndexes ? { GlobalSecondaryIndexes: Object.values(TABLE.indexes).map(index) } : {}),
    }),
  );
}

describe("startDynamoDbLocal", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  it("keeps data in dataDir across a restart, and stop() ends Java", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gk-ddb-"));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const table = "gk-persist";
    const key = { [TABLE.partitionKey]: "REQ#1", [TABLE.sortKey]: "REQ" };

    const first = await startDynamoDbLocal({ dataDir: join(dataDir, "nested") });
    cleanup.push(first.stop);
    const client1 = createDynamoClient({ endpoint: first.endpoint, region: "us-east-1" });
    await ensureTable(client1, table);
    await createStore(client1, table).doc.send(
      new PutCommand({ TableName: table, Item: { ...key, note: "still here" } }),
    );
    client1.destroy();
    await first.stop();
    await first.stop(); // idempotent
    expect(isAlive(first.pid)).toBe(false);

    const second = await startDynamoDbLocal({ dataDir: join(dataDir, "nested") });
    cleanup.push(second.stop);
    const client2 = createDynamoClient({ endpoint: second.endpoint, region: "us-east-1" });
    try {
      const got = await createStore(client2, table).doc.send(new GetCommand({ TableName: table, Key: key }));
      expect(got.Item?.note).toBe("still here");
      // The restarted table still has its stream and TTL.
      await expect(ensureTable(client2, table)).resolves.toHaveProperty("streamArn");
    } finally {
      client2.destroy();
      await second.stop();
    }
  });

  it("leaves no Java behind when the process that started it is SIGKILLed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gk-orphan-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const script = join(dir, "start-local.mts");
    const moduleUrl = pathToFileURL(join(root, "cli/local/dynamodb-local.ts")).href;
    await writeFile(
      script,
      [
        `import { startDynamoDbLocal } from ${JSON.stringify(moduleUrl)};`,
        "const db = await startDynamoDbLocal({});",
        "console.log(JSON.stringify({ pid: db.pid, endpoint: db.endpoint }));",
        "setInterval(() => {}, 60_000);",
      ].join("\n"),
    );

    const child: ChildProcess = spawn(process.execPath, ["--no-warnings", "--import", "tsx", script], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanup.push(async () => {
      child.kill("SIGKILL");
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const started = await new Promise<{ pid: number; endpoint: string }>((done, fail) => {
      let out = "";
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const line = out.split("\n").find((l) => l.startsWith("{"));
        if (line) done(JSON.parse(line) as { pid: number; endpoint: string });
      });
      child.once("exit", (code) => fail(new Error(`child exited (${code}) before starting: ${stderr}`)));
    });
    const javaPid = started.pid;
    cleanup.push(async () => {
      if (isAlive(javaPid)) process.kill(javaPid, "SIGKILL");
    });
    expect(isAlive(javaPid)).toBe(true);
    if (existsSync(`/proc/${javaPid}/cmdline`)) {
      expect(readFileSync(`/proc/${javaPid}/cmdline`, "utf8")).toContain("DynamoDBLocal.jar");
    }

    const killedAt = Date.now();
    child.kill("SIGKILL");
    const gone = await waitFor(() => !isAlive(javaPid), 30_000);
    expect(
      gone,
      `java ${javaPid} still running ${Date.now() - killedAt} ms after its parent was killed`,
    ).toBe(true);
  });

  /** The watchdog's pid: Java's parent. */
  const parentOf = (pid: number) =>
    Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);

  it.runIf(process.platform === "linux")(
    "stops Java when its watchdog is sent SIGQUIT (what a JVM tool aimed at the wrong pid sends)",
    async () => {
      const db = await startDynamoDbLocal({});
      cleanup.push(db.stop);
      cleanup.push(async () => {
        if (isAlive(db.pid)) process.kill(db.pid, "SIGKILL");
      });
      process.kill(parentOf(db.pid), "SIGQUIT");
      expect(await waitFor(() => !isAlive(db.pid), 30_000), `java ${db.pid} outlived its watchdog`).toBe(
        true,
      );
      await db.stop();
    },
  );

  it.runIf(process.platform === "linux")(
    "stop() still ends Java, and returns, when the watchdog was killed outright",
    async () => {
      const db = await startDynamoDbLocal({});
      cleanup.push(async () => {
        if (isAlive(db.pid)) process.kill(db.pid, "SIGKILL");
      });
      const watchdog = parentOf(db.pid);
      process.kill(watchdog, "SIGKILL");
      expect(await waitFor(() => !isAlive(watchdog), 10_000)).toBe(true);
      // Java, orphaned, still holds the pipes the watchdog's "close" waits for.
      expect(isAlive(db.pid)).toBe(true);
      const stopped = await Promise.race([
        db.stop().then(() => "stopped"),
        new Promise((r) => setTimeout(() => r("stop() hung"), 30_000)),
      ]);
      expect(stopped).toBe("stopped");
      // Gone (an orphan is reaped by init, a moment after its pipes close).
      expect(await waitFor(() => !isAlive(db.pid), 10_000)).toBe(true);
    },
    60_000,
  );

  it("refuses a busy port at once", async () => {
    const server: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => server.listen(0, () => done()));
    cleanup.push(() => new Promise<void>((done) => server.close(() => done())));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;

    const attempt = startDynamoDbLocal({ port });
    await expect(attempt).rejects.toThrow(DynamoDbLocalStartError);
    await expect(attempt).rejects.toThrow(`Port ${port} is already in use`);
  });

  it("fails with the last output lines when Java exits during start-up", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gk-badjava-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const fake = join(dir, "java");
    // Passes the version check, then dies the way a broken DynamoDB Local would.
    await writeFile(
      fake,
      [
        "#!/bin/sh",
        'if [ "$1" = "-version" ]; then echo \'openjdk version "17.0.1"\' >&2; exit 0; fi',
        "echo 'Initializing DynamoDB Local' ",
        "echo 'java.io.IOException: disk on fire' >&2",
        "exit 3",
        "",
      ].join("\n"),
    );
    await chmod(fake, 0o755);
    const started = Date.now();
    const attempt = startDynamoDbLocal({ javaCommand: fake });
    await expect(attempt).rejects.toThrow(DynamoDbLocalStartError);
    await expect(attempt).rejects.toThrow(/exited during start-up \(code 3\)[\s\S]*disk on fire/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("throws JavaMissingError when the Java command does not exist", async () => {
    const attempt = startDynamoDbLocal({ javaCommand: "/nonexistent/gk-no-java" });
    await expect(attempt).rejects.toThrow(JavaMissingError);
    await expect(attempt).rejects.toThrow(/Java 17/);
    await expect(attempt).rejects.toThrow(/openjdk-17-jre-headless/);
    await expect(attempt).rejects.toThrow(/adoptium/);
    await expect(attempt).rejects.toThrow(/DYNAMODB_ENDPOINT/);
  });

  it("throws JavaMissingError when java is not on the PATH", async () => {
    const path = process.env.PATH;
    process.env.PATH = "";
    try {
      await expect(startDynamoDbLocal({})).rejects.toThrow(JavaMissingError);
    } finally {
      if (path === undefined) delete process.env.PATH;
      else process.env.PATH = path;
    }
  });

  it("throws JavaMissingError when Java is older than 17", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gk-oldjava-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const fake = join(dir, "java");
    await writeFile(fake, `#!/bin/sh\necho 'openjdk version "1.8.0_392"' >&2\n`);
    await chmod(fake, 0o755);
    await expect(startDynamoDbLocal({ javaCommand: fake })).rejects.toThrow(/Found Java 8/);
  });
});
