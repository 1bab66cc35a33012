import {
  DIGEST_REDRIVE_EVERY_MINUTES,
  outboxStreamFilter,
  PLATFORMS,
  WORKER_TIMEOUT_SECONDS,
} from "../core/deployment.js";
import { chartFunctionExtras, functionDefaults } from "./common.js";
import type { Secrets } from "./secrets.js";
import type { Storage } from "./storage.js";

/**
 * The outbox workers: the table's stream, filtered to new outbox entries, drives
 * functions/<platform>-worker.ts, which performs each entry once (cards, notices, grants) after
 * the interaction was answered. One worker per platform, each with a filter on the entry's
 * `platform`: SST bundles a function into one file, dynamic imports included, so a single
 * worker would carry both platforms' clients into every cold start. Two subscriptions are two
 * readers of each stream shard, which is DynamoDB's recommended maximum: a third consumer of this stream would need a fan-out instead.
 *
 * A poison record cannot block the stream: the handler reports only the records it could not
 * process (`ReportBatchItemFailures`), a failing batch is split in two until the culprit is
 * alone (`bisectBatchOnFunctionError`), and after a few attempts the record's metadata goes to
 * the `WorkerFailures` queue (kept 14 days) and the shard moves on. Nothing is lost by that: the
 * entry itself stays `pending` in the table, and the sweeper (stacks/sweeper.ts) re-drives every
 * entry the stream did not settle within two minutes.
 *
 * The weekly digest's chart (vega, and @resvg/resvg-js installed natively, with its font) is
 * drawn by one function per platform only, functions/<platform>-digest.ts, run on a schedule
 * (every DIGEST_REDRIVE_EVERY_MINUTES): it posts the platform's due digest entries. The stream
 * workers and the sweepers carry no chart and leave those entries due for it, so the functions
 * that run on every join request stay small (the chart is over a megabyte of a worker's bundle).
 */
export function createWorker(storage: Storage, secrets: Secrets) {
  const failures = new sst.aws.Queue("WorkerFailures", {
    transform: { queue: { messageRetentionSeconds: 14 * 24 * 3600 } },
  });
  const subscribers = PLATFORMS.map((platform) => {
    const name = platform === "slack" ? "Slack" : "Discord";
    const subscriber = storage.subscribe(
      `${name}Worker`,
      {
        ...functionDefaults(storage, secrets),
        description: `Gatekeeper: ${name} outbox worker (DynamoDB stream)`,
        handler: `functions/${platform}-worker.handler`,
        // Not latency-bound like the endpoints; 512 MB keeps cold starts short at half the price.
        memory: "512 MB",
        // Below the outbox lease (core/deployment.ts), room for a batch of effects with their
        // inline retries (up to 3 attempts, waits of at most 5 s each).
        timeout: `${WORKER_TIMEOUT_SECONDS} seconds`,
        // The event source mapping sends failed records' metadata to the queue with the
        // function's role.
        permissions: [{ actions: ["sqs:SendMessage"], resources: [failures.arn] }],
      },
      {
        filters: [outboxStreamFilter(platform)],
        transform: {
          eventSourceMapping: (args) => {
            // Up to 10 new entries per call, as soon as they arrive (no batching window): a
            // state change writes a handful of entries at once, and moderators wait for the card.
            args.batchSize = 10;
            args.maximumBatchingWindowInSeconds = 0;
            args.functionResponseTypes = ["ReportBatchItemFailures"];
            args.bisectBatchOnFunctionError = true;
            // Failures here are infrastructure errors (the handler settles effect failures in the
            // table itself); five attempts ride out a blip, then the sweeper takes over.
            args.maximumRetryAttempts = 5;
            args.maximumRecordAgeInSeconds = 3600;
            args.destinationConfig = { onFailure: { destinationArn: failures.arn } };
          },
        },
      },
    );
    // The platform's due digest entries: the only function with the chart.
    const digest = new sst.aws.CronV2(`${name}Digest`, {
      schedule: `rate(${DIGEST_REDRIVE_EVERY_MINUTES} minutes)`,
      function: {
        ...functionDefaults(storage, secrets),
        // The weekly digest's chart: a native rasteriser installed for arm64, and a font.
        ...chartFunctionExtras(storage, secrets),
        description: `Gatekeeper: ${name} weekly digests (scheduled)`,
        handler: `functions/${platform}-digest.handler`,
        memory: "512 MB",
        timeout: `${WORKER_TIMEOUT_SECONDS} seconds`,
      },
      // The next run starts within the schedule anyway.
      retries: 0,
    });
    return { name: `${name}Worker`, subscriber, digest };
  });
  return { failures, subscribers };
}
