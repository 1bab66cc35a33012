import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { Platform } from "../core/config/schema.js";
import { CHART_KINDS } from "../core/context.js";
import { METRIC, WORKER_TIMEOUT_SECONDS } from "../core/deployment.js";
import * as Outbox from "../core/outbox.js";
import { type Runtime, remainingMs } from "./runtime.js";

/** Kept between the last write and the function's time limit (Lambda's clock and ours differ a little). */
const SAFETY_MS = 2_000;

/**
 * The outbox worker: a DynamoDB stream handler, deployed once per platform
 * (functions/slack-worker.ts, functions/discord-worker.ts: the stream filter sends each its
 * platform's entries, and each bundles only its platform's client). Each new outbox entry is performed once
 * (claimed with a lease); entries of one request run in order, different requests in parallel.
 * A record whose processing threw (e.g. DynamoDB unavailable) is reported in
 * `batchItemFailures` so Lambda retries it; effect failures are settled in the table instead
 * (retried later, or shown as stuck), so a poison effect never blocks the stream.
 *
 * The invocation has a deadline (the function's time limit): an entry starts only if one call
 * and its writes fit before it; the ones that do not are left due in the table for the sweeper,
 * so Lambda never kills the worker mid-call. Without the chart (deployed: it is injected into
 * the digest functions only) a digest entry is left due, untouched, for the digest function.
 */
export function createWorker(runtime: Runtime) {
  return async (event: DynamoDBStreamEvent, context?: unknown): Promise<DynamoDBBatchResponse> => {
    const deadline = Date.now() + remainingMs(context, WORKER_TIMEOUT_SECONDS) - SAFETY_MS;
    const byRequest = new Map<string, { record: DynamoDBRecord; effect: Outbox.EffectItem }[]>();
    for (const record of event.Records) {
      if (record.eventName !== "INSERT" || !record.dynamodb?.NewImage) continue;
      const image = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
      if (!Outbox.isRunnable(image)) continue;
      // A digest needs the chart: left due, untouched, for the digest function's next run.
      if (!runtime.core.drawChart && isChartKind(image.spec.kind)) continue;
      const queue = byRequest.get(image.requestId) ?? [];
      queue.push({ record, effect: image });
      byRequest.set(image.requestId, queue);
    }
    const failures: DynamoDBBatchResponse["batchItemFailures"] = [];
    await Promise.all(
      [...byRequest.values()].map(async (queue) => {
        for (const [i, { effect }] of queue.entries()) {
          try {
            await Outbox.run(runtime.core, runtime.performers, effect, { deadline });
          } catch (error) {
            runtime.core.log.error("outbox entry not processed", {
              effect: effect.name,
              requestId: effect.requestId,
              error,
            });
            runtime.core.metrics?.count(METRIC.handlerErrors);
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

const isChartKind = (kind: string) => (CHART_KINDS as readonly string[]).includes(kind);

/**
 * A platform's digest function (functions/slack-digest.ts, functions/discord-digest.ts), run on
 * a schedule (stacks/worker.ts, every `DIGEST_REDRIVE_EVERY_MINUTES`): it posts the platform's due
 * digest entries, the only outbox entries that need the chart (`CHART_KINDS`: vega and a native
 * rasteriser, a megabyte and more of bundle). The stream workers and the sweepers carry no chart
 * and leave those entries to it, so a weekly digest goes out within minutes of its due time.
 */
export function createDigestPoster(runtime: Runtime, platform: Platform) {
  return async (_event: unknown, context?: unknown): Promise<RedriveReport> => {
    const deadline = Date.now() + remainingMs(context, WORKER_TIMEOUT_SECONDS) - SAFETY_MS;
    const redriven = await Outbox.redriveDue(runtime.core, runtime.performers, {
      deadline,
      platform,
      kinds: { only: CHART_KINDS },
    });
    return { redriven };
  };
}

/** What a digest function's run did: its platform's due digest entries, by outcome. */
export interface RedriveReport {
  redriven: Record<Outbox.RunResult, number>;
}
