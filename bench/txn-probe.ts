import { performance } from "node:perf_hooks";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { startDynamoDbLocal } from "../cli/local/dynamodb-local.js";
import { createStore, type Store } from "../core/store/client.js";
import { ensureTable } from "../core/store/create-table.js";
import { summarize } from "./stats.js";

/**
 * How DynamoDB Local answers N concurrent TransactWriteItems that all touch one item, against N
 * that touch distinct items, and single-item writes for comparison: the store's own figures
 * behind the burst (`npx tsx bench/txn-probe.ts [N ...]`). Each transaction is shaped like a
 * submission's: five items (request put, standing update, outbox put, audit put, counter update).
 * Transactions are sent once, with no retry: a conflict is counted, not hidden.
 */

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const NS = sizes.length > 0 ? sizes : [1, 10, 50, 100];

type Outcome = { ms: number; result: string };

async function once(work: () => Promise<unknown>): Promise<Outcome> {
  const t = performance.now();
  try {
    await work();
    return { ms: performance.now() - t, result: "ok" };
  } catch (error) {
    const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
    const reasons = e.CancellationReasons?.map((r) => r.Code ?? "None").filter((c) => c !== "None");
    return {
      ms: performance.now() - t,
      result: reasons?.length ? `${e.name}(${[...new Set(reasons)]})` : `${e.name}`,
    };
  }
}

function submissionLike(store: Store, run: string, i: number, shared: boolean) {
  const counter = shared ? `SHARED#${run}` : `SHARED#${run}#${i}`;
  return new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: store.table,
          Item: { pk: `REQ#${run}#${i}`, sk: "REQ", n: i },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Update: {
          TableName: store.table,
          Key: { pk: `APP#${run}#${i}`, sk: "STANDING" },
          UpdateExpression: "SET activeRequestId = :id",
          ConditionExpression: "attribute_not_exists(activeRequestId)",
          ExpressionAttributeValues: { ":id": `r${i}` },
        },
      },
      {
        Put: {
          TableName: store.table,
          Item: { pk: `REQ#${run}#${i}`, sk: "EFFECT#card.post" },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Put: {
          TableName: store.table,
          Item: { pk: `REQ#${run}#${i}`, sk: "AUDIT#1" },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Update: {
          TableName: store.table,
          Key: { pk: counter, sk: "COUNT" },
          UpdateExpression: "ADD used :one",
          ExpressionAttributeValues: { ":one": 1 },
        },
      },
    ],
  });
}

function sized(store: Store, run: string, i: number, items: number) {
  return new TransactWriteCommand({
    TransactItems: Array.from({ length: items }, (_, k) => ({
      Put: {
        TableName: store.table,
        Item: { pk: `T#${run}#${i}`, sk: `K${k}` },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    })),
  });
}

async function series(name: string, n: number, make: (i: number) => Promise<unknown>) {
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => once(() => make(i))));
  const wall = performance.now() - started;
  const results: Record<string, number> = {};
  for (const o of outcomes) results[o.result] = (results[o.result] ?? 0) + 1;
  const s = summarize(outcomes.map((o) => o.ms));
  const ok = results.ok ?? 0;
  console.log(
    `${name.padEnd(40)} N=${String(n).padStart(4)}  p50 ${s.p50.toFixed(0).padStart(5)}  p99 ${s.p99.toFixed(0).padStart(5)}  max ${s.max.toFixed(0).padStart(5)} ms  wall ${wall.toFixed(0).padStart(5)} ms  ${(ok / (wall / 1000)).toFixed(0).padStart(4)} ok/s  ${JSON.stringify(results)}`,
  );
}

const db = await startDynamoDbLocal({});
try {
  // No SDK retries (maxAttempts 1): every conflict or lock timeout is seen, once.
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const store = createStore(client, "txn-probe");
  await ensureTable(client, store.table);
  // Warm-up: the JVM and the client's connections.
  for (let i = 0; i < 3; i++)
    await series("warm-up (distinct items)", 50, (j) =>
      store.doc.send(submissionLike(store, `warm${i}`, j, false)),
    );
  let run = 0;
  for (const n of NS) {
    run++;
    await series("PutItem, distinct items", n, (i) =>
      store.doc.send(new PutCommand({ TableName: store.table, Item: { pk: `P#${run}#${i}`, sk: "X" } })),
    );
    await series("UpdateItem ADD, one shared item", n, () =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.table,
          Key: { pk: `U#${run}`, sk: "X" },
          UpdateExpression: "ADD used :one",
          ExpressionAttributeValues: { ":one": 1 },
        }),
      ),
    );
    await series("transaction (5 items), distinct items", n, (i) =>
      store.doc.send(submissionLike(store, `d${run}`, i, false)),
    );
    await series("transaction (5 items), one shared item", n, (i) =>
      store.doc.send(submissionLike(store, `s${run}`, i, true)),
    );
    await series("transaction (1 item), distinct items", n, (i) =>
      store.doc.send(sized(store, `o${run}`, i, 1)),
    );
    await series("transaction (10 items), distinct items", n, (i) =>
      store.doc.send(sized(store, `t${run}`, i, 10)),
    );
  }
  // One at a time: the store's service time per call, with nothing queued.
  const t = performance.now();
  for (let i = 0; i < 50; i++) await store.doc.send(submissionLike(store, "seq", i, true));
  console.log(
    `50 transactions (5 items) one after another: ${((performance.now() - t) / 50).toFixed(1)} ms each`,
  );
  const u = performance.now();
  for (let i = 0; i < 50; i++)
    await store.doc.send(new PutCommand({ TableName: store.table, Item: { pk: `SEQ#${i}`, sk: "X" } }));
  console.log(`50 PutItem one after another: ${((performance.now() - u) / 50).toFixed(1)} ms each`);
  client.destroy();
} finally {
  await db.stop();
}
