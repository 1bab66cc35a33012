import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import * as Outbox from "../core/outbox.js";
import type { Runtime } from "./runtime.js";

/**
 * The outbox worker: a DynamoDB stream handler, deployed once per platform
 * (functions/slack-worker.ts, functions/discord-worker.ts: the stream filter sends each its
 * platform's entries, and each bundles only its platform's client). Each new outbox entry is
 * performed once (claimed with a lease); entries of one request run in order, different requests
 * in parallel.
 * A record whose processing threw (e.g. DynamoDB unavailable) is reported in
 * `batchItemFailures` so Lambda retries it; effect failures are settled in the table instead
 * (retry later or dead-letter), so a poison effect never blocks the stream.
 */
export function createWorker(runtime: Runtime) {
  return async (event: DynamoDBStreamEvent, _context?: unknown): Promise<DynamoDBBatchResponse> => {
    const byRequest = new Map<string, { record: DynamoDBRecord; effect: Outbox.EffectItem }[]>();
    for (const record of event.Records) {
      if (record.eventName !== "INSERT" || !record.dynamodb?.NewImage) continue;
      const image = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
      if (!Outbox.isRunnable(image)) continue;
      const queue = byRequest.get(image.requestId) ?? [];
      queue.push({ record, effect: image });
      byRequest.set(image.requestId, queue);
    }
    const failures: DynamoDBBatchResponse["batchItemFailures"] = [];
    await Promise.all(
      [...byRequest.values()].map(async (queue) => {
        for (const [i, { effect }] of queue.entries()) {
          try {
            await Outbox.run(runtime.core, runtime.performers, effect);
          } catch (error) {
            runtime.core.log.error("outbox entry not processed", {
              effect: effect.name,
              requestId: effect.requestId,
              error,
            });
            // This record and the rest of its request's queue go back to Lambda, in order.
            for (const later of queue.slice(i)) {
              const id = later.record.dynamodb?.SequenceNumber;
              if (id) failures.push({ itemIdentifier: id });
            }
            return;
          }
        }
      }),
    );
    return { batchItemFailures: failures };
  };
}
