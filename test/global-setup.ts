import type { TestProject } from "vitest/node";
import { startDynamoDbLocal } from "../cli/local/dynamodb-local.js";

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
  if (process.env.GK_TEST_DEBUG)
    console.log(`DynamoDB Local at ${db.endpoint} in ${Date.now() - started} ms`);
  project.provide("dynamodbEndpoint", db.endpoint);
  return () => db.stop();
}
