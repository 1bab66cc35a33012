import { randomBytes } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";
import { createDynamoClient, createStore, type Store } from "../../core/store/client.js";
import { ensureTable } from "../../core/store/create-table.js";

export type TestStore = Store & { client: DynamoDBClient; endpoint: string };

/**
 * A fresh, uniquely named table on the run's shared DynamoDB Local (see test/global-setup.ts),
 * so test files never see each other's items.
 */
export async function createTestStore(): Promise<TestStore> {
  const endpoint = inject("dynamodbEndpoint");
  const client = createDynamoClient({ endpoint, region: "us-east-1" });
  const table = `gk-test-${randomBytes(6).toString("hex")}`;
  await ensureTable(client, table);
  return { ...createStore(client, table), client, endpoint };
}
