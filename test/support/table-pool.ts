import { randomBytes } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { createStore } from "../../core/store/client.js";
import { ensureTable } from "../../core/store/create-table.js";

/**
 * Tables for the test run, made before any test writes (test/global-setup.ts).
 *
 * DynamoDB Local reads a table's stream description on every call, and that read looks for the
 * table's first stream record by walking every stream record written before it, of any table
 * (`SELECT MIN(SequenceNumber) … WHERE StreamID = ?` in its SQLite). On the one DynamoDB Local a
 * run shares, a table first written after earlier files' tens of thousands of records served
 * every call 5 to 6 times slower (PutItem 25 to 28 ms instead of 4 to 5, measured): the later a
 * file ran, the slower its store. A pool table gets its first record (put, then deleted: the
 * table is empty when a test takes it) before any test runs, so every file's store is as fast
 * as the first's. Past the pool, a fresh table is made (correct, only slower).
 */
export const POOL_SIZE = 400;
const COUNTER_TABLE = "gk-pool";
const COUNTER_KEY = { pk: "POOL", sk: "POOL" };
const FIRST = { pk: "POOL#first", sk: "POOL#first" };
const poolTable = (i: number) => `gk-pool-${i}`;

export async function createPool(client: DynamoDBClient, size = POOL_SIZE): Promise<void> {
  const doc = createStore(client, COUNTER_TABLE).doc;
  await ensureTable(client, COUNTER_TABLE);
  const names = Array.from({ length: size }, (_, i) => poolTable(i + 1));
  // DynamoDB Local makes tables one at a time anyway; a few in flight keep it busy.
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(
      names.slice(i, i + 25).map(async (table) => {
        await ensureTable(client, table);
        await doc.send(new PutCommand({ TableName: table, Item: FIRST }));
        await doc.send(new DeleteCommand({ TableName: table, Key: FIRST }));
      }),
    );
  }
}

const taken = z.object({ n: z.number().int() });

/** How many tables the run took (pool and fresh ones together). */
export async function tablesTaken(client: DynamoDBClient): Promise<number> {
  const { Item } = await createStore(client, COUNTER_TABLE).doc.send(
    new GetCommand({ TableName: COUNTER_TABLE, Key: COUNTER_KEY }),
  );
  return Item ? taken.parse(Item).n : 0;
}

/** A table no other test uses: the next of the pool, or a fresh one once the pool is spent. */
export async function takeTable(client: DynamoDBClient, prefix = "gk-test"): Promise<string> {
  const doc = createStore(client, COUNTER_TABLE).doc;
  try {
    const { Attributes } = await doc.send(
      new UpdateCommand({
        TableName: COUNTER_TABLE,
        Key: COUNTER_KEY,
        UpdateExpression: "ADD n :one",
        ExpressionAttributeValues: { ":one": 1 },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    const { n } = taken.parse(Attributes);
    if (n <= POOL_SIZE) return poolTable(n);
  } catch (error) {
    // No pool on this DynamoDB (a run without the global setup's): a fresh table does.
    if (!(error instanceof Error && error.name === "ResourceNotFoundException")) throw error;
  }
  const table = `${prefix}-${randomBytes(6).toString("hex")}`;
  await ensureTable(client, table);
  return table;
}
