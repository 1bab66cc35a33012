import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import * as z from "zod";
import { createDynamoClient } from "../../core/store/client.js";

/**
 * While `npm start` runs, its embedded DynamoDB Local owns the data folder. It leaves its
 * endpoint in the folder so that other commands (`gatekeeper sweep`, `block`, `release`) use
 * that database instead of starting a second DynamoDB Local on the same files.
 */
const FILE = "dynamodb-endpoint";

/** Records the endpoint; the returned function removes the record (on shutdown). */
export async function publishEndpoint(dataDir: string, endpoint: string): Promise<() => Promise<void>> {
  const file = join(dataDir, FILE);
  await writeFile(file, `${endpoint}\n`);
  return () => rm(file, { force: true });
}

/** The endpoint of a DynamoDB Local that a running server started on this folder, if it answers. */
export async function runningEndpoint(dataDir: string, region: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, FILE), "utf8");
  } catch {
    return undefined;
  }
  const endpoint = z.url().safeParse(text.trim());
  if (!endpoint.success) return undefined;
  const client = createDynamoClient({ endpoint: endpoint.data, region });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
    return endpoint.data;
  } catch {
    return undefined; // a record left by a server that died: ignore it
  } finally {
    client.destroy();
  }
}
