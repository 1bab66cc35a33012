import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * The only place DynamoDB SDK clients are constructed. Everything else receives a `Store`
 * (or a raw client, for table administration and streams) from here.
 */
export interface Store {
  doc: DynamoDBDocumentClient;
  table: string;
}

export interface ClientOptions {
  /** A DynamoDB Local (or other) endpoint URL; absent means real AWS with the default credential chain. */
  endpoint?: string | undefined;
  region: string;
}

/** Any key works against DynamoDB Local; static ones keep the SDK from walking the credential chain. */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

/** Retries for throttling and transient errors: enough to ride out a blip, few enough to fail fast. */
const MAX_ATTEMPTS = 4;

function clientConfig(opts: ClientOptions) {
  return opts.endpoint
    ? {
        region: opts.region,
        endpoint: opts.endpoint,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: MAX_ATTEMPTS,
      }
    : { region: opts.region, maxAttempts: MAX_ATTEMPTS };
}

export function createDynamoClient(opts: ClientOptions): DynamoDBClient {
  return new DynamoDBClient(clientConfig(opts));
}

export function createStore(client: DynamoDBClient, table: string): Store {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { doc, table };
}

export function createStreamsClient(opts: ClientOptions): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(clientConfig(opts));
}
