import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";
import { createDynamoClient, createStore, type Store } from "../../core/store/client.js";
import { takeTable } from "./table-pool.js";

export type TestStore = Store & { client: DynamoDBClient; endpoint: string };

/**
 * A table of its own on the run's shared DynamoDB Local (see test/global-setup.ts and
 * test/support/table-pool.ts), so test files never see each other's items.
 */
export async function createTestStore(): Promise<TestStore> {
  const endpoint = inject("dynamodbEndpoint");
  const client = createDynamoClient({ endpoint, region: "us-east-1" });
  const table = await takeTable(client);
  return { ...createStore(client, table), client, endpoint };
}

/** A table's name for a server or tool that makes its own client (`TABLE_NAME`). */
export async function testTableName(prefix?: string): Promise<string> {
  const client = createDynamoClient({ endpoint: inject("dynamodbEndpoint"), region: "us-east-1" });
  try {
    return await takeTable(client, prefix);
  } finally {
    client.destroy();
  }
}
