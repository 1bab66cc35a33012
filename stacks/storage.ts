import { TABLE_LINK } from "../core/deployment.js";
import { KEY_ATTRIBUTES, TABLE } from "../core/store/table.js";

/**
 * The one DynamoDB table, built from the same constants the app and the tests create their
 * tables from (core/store/table.ts): string keys pk/sk, indexes gsi1 (due work) and gsi2 (by
 * applicant) projecting everything, TTL on `expiresAt`, and a stream with new and old images
 * that drives the outbox worker (stacks/worker.ts). On-demand billing: nothing to pay at rest
 * but storage.
 */
export function createStorage(opts: { production: boolean }) {
  const index = (i: { partitionKey: string; sortKey: string }) => ({
    hashKey: i.partitionKey,
    rangeKey: i.sortKey,
    projection: "all" as const,
  });
  return new sst.aws.Dynamo(TABLE_LINK, {
    fields: Object.fromEntries(KEY_ATTRIBUTES.map((name) => [name, "string" as const])),
    primaryIndex: { hashKey: TABLE.partitionKey, rangeKey: TABLE.sortKey },
    globalIndexes: {
      [TABLE.indexes.due.name]: index(TABLE.indexes.due),
      [TABLE.indexes.applicant.name]: index(TABLE.indexes.applicant),
    },
    ttl: TABLE.ttlAttribute,
    stream: "new-and-old-images",
    // Production keeps its data: the table cannot be deleted (not even by `sst remove`, which the
    // stage's `protect` already refuses), and point-in-time recovery keeps 35 days of restores.
    deletionProtection: opts.production,
    transform: {
      table: (args) => {
        // The component turns point-in-time recovery on everywhere; dev stages do without it.
        args.pointInTimeRecovery = { enabled: opts.production };
      },
    },
  });
}

export type Storage = ReturnType<typeof createStorage>;
