import type { TestProject } from "vitest/node";
import { startDynamoDbLocal } from "../cli/local/dynamodb-local.js";
import { createDynamoClient } from "../core/store/client.js";
import { createPool, POOL_SIZE, tablesTaken } from "./support/table-pool.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Endpoint of the in-memory DynamoDB Local shared by the whole run. */
    dynamodbEndpoint: string;
  }
}

/** Starts one in-memory DynamoDB Local for every test file; stops it when the run ends. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const db = await startDynamoDbLocal({});
  const client = createDynamoClient({ endpoint: db.endpoint, region: "us-east-1" });
  try {
    // The tables every file takes from (test/support/table-pool.ts), before any test writes.
    await createPool(client);
  } finally {
    client.destroy();
  }
  if (process.env.GK_TEST_DEBUG)
    console.log(`DynamoDB Local at ${db.endpoint} with its table pool in ${Date.now() - started} ms`);
  project.provide("dynamodbEndpoint", db.endpoint);
  return async () => {
    const client = createDynamoClient({ endpoint: db.endpoint, region: "us-east-1" });
    try {
      const n = await tablesTaken(client);
      // Past the pool, tables are made as tests run: correct, but each slower than the last.
      if (n > POOL_SIZE || process.env.GK_TEST_DEBUG)
        console.log(`test tables: ${n} taken, the pool holds ${POOL_SIZE} (test/support/table-pool.ts)`);
    } catch {
      // A report only.
    } finally {
      client.destroy();
    }
    await db.stop();
  };
}
