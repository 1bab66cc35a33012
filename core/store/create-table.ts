import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { KEY_ATTRIBUTES, TABLE } from "./table.js";

const POLL_MS = 250;
const ACTIVE_TIMEOUT_MS = 120_000;

export class TableShapeError extends Error {
  override name = "TableShapeError";
}

/**
 * Makes sure the table exists with the shape in `table.ts` (keys, both indexes, stream with new
 * and old images, TTL) and is ACTIVE. Safe to call again and from several processes at once.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<{ streamArn: string }> {
  let table = await describe(client, tableName);
  if (!table) {
    try {
      await client.send(new CreateTableCommand(createInput(tableName)));
    } catch (err) {
      // Someone else created it between our describe and create: theirs is as good as ours.
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
  table = await waitUntilActive(client, tableName);
  checkShape(table, tableName);

  if (!table.StreamSpecification?.StreamEnabled || !table.LatestStreamArn) {
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
        }),
      );
    } catch (err) {
      if (!isAlreadyDone(err, "stream")) throw err;
    }
    table = await waitUntilActive(client, tableName);
  }
  if (table.StreamSpecification?.StreamViewType !== "NEW_AND_OLD_IMAGES") {
    throw new TableShapeError(
      `Table ${tableName} has a ${table.StreamSpecification?.StreamViewType ?? "missing"} stream; NEW_AND_OLD_IMAGES is needed`,
    );
  }
  const streamArn = table.LatestStreamArn;
  if (!streamArn) throw new TableShapeError(`Table ${tableName} reports no stream ARN`);

  await ensureTtl(client, tableName);
  return { streamArn };
}

function createInput(tableName: string) {
  const index = (i: { name: string; partitionKey: string; sortKey: string }): GlobalSecondaryIndex => ({
    IndexName: i.name,
    KeySchema: [
      { AttributeName: i.partitionKey, KeyType: "HASH" },
      { AttributeName: i.sortKey, KeyType: "RANGE" },
    ],
    Projection: { ProjectionType: "ALL" },
  });
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({
      AttributeName: name,
      AttributeType: "S" as const,
    })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: "HASH" as const },
      { AttributeName: TABLE.sortKey, KeyType: "RANGE" as const },
    ],
    GlobalSecondaryIndexes: Object.values(TABLE.indexes).map(index),
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" as const },
  };
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

/** ACTIVE table and ACTIVE indexes (an index can still be backfilling after the table turns ACTIVE). */
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const table = await describe(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === "ACTIVE");
    if (table?.TableStatus === "ACTIVE" && indexesActive) return table;
    if (Date.now() > deadline) {
      throw new Error(
        `Table ${tableName} did not become ACTIVE within ${ACTIVE_TIMEOUT_MS / 1000} s (status ${table?.TableStatus ?? "absent"})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** An existing table we did not create must still have the keys and indexes the code relies on. */
function checkShape(table: TableDescription, tableName: string): void {
  const keyOf = (
    schema: { AttributeName?: string | undefined; KeyType?: string | undefined }[] | undefined,
  ) => (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(",");
  const problems: string[] = [];
  const wantKey = `${TABLE.partitionKey}:HASH,${TABLE.sortKey}:RANGE`;
  if (keyOf(table.KeySchema) !== wantKey)
    problems.push(`key schema is ${keyOf(table.KeySchema)}, want ${wantKey}`);
  for (const want of Object.values(TABLE.indexes)) {
    const have = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === want.name);
    const wantIndexKey = `${want.partitionKey}:HASH,${want.sortKey}:RANGE`;
    if (!have) problems.push(`index ${want.name} is missing`);
    else if (keyOf(have.KeySchema) !== wantIndexKey) {
      problems.push(`index ${want.name} key schema is ${keyOf(have.KeySchema)}, want ${wantIndexKey}`);
    } else if (have.Projection?.ProjectionType !== "ALL") {
      problems.push(`index ${want.name} projects ${have.Projection?.ProjectionType}, want ALL`);
    }
  }
  if (problems.length > 0) {
    throw new TableShapeError(`Table ${tableName} exists with the wrong shape: ${problems.join("; ")}`);
  }
}

async function ensureTtl(client: DynamoDBClient, tableName: string): Promise<void> {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const ttl = current.TimeToLiveDescription;
  if (
    ttl?.AttributeName === TABLE.ttlAttribute &&
    (ttl.TimeToLiveStatus === "ENABLED" || ttl.TimeToLiveStatus === "ENABLING")
  ) {
    return;
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    );
  } catch (err) {
    // A concurrent ensureTable got there first.
    if (!isAlreadyDone(err, "ttl")) throw err;
  }
}

function isAlreadyDone(err: unknown, what: "ttl" | "stream"): boolean {
  if (!(err instanceof Error)) return false;
  const message = err.message.toLowerCase();
  if (what === "ttl") return err.name === "ValidationException" && message.includes("already enabled");
  return (
    (err.name === "ValidationException" && message.includes("already")) ||
    err instanceof ResourceInUseException
  );
}
