import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import type { Logger } from "../../core/log.js";

/**
 * Reads a DynamoDB (Local) stream the way Lambda's event source mapping does and hands each
 * batch to the worker handler in the same event shape. Locally this is what makes the outbox
 * run; in AWS, `table.subscribe` does it. A batch whose handler reports failures is retried
 * (a few times, like Lambda's `maximumRetryAttempts`), after which the sweeper's re-drive is
 * the safety net: outbox entries stay due in the table until they are settled.
 */
export interface StreamPoller {
  /** Resolves once every shard has been read up to its current end at least once. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

type WorkerHandler = (event: DynamoDBStreamEvent, context?: unknown) => Promise<DynamoDBBatchResponse>;

export interface StreamPollerOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  handler: WorkerHandler;
  log: Logger;
  /** Pause between polls of an idle shard. */
  idleMs?: number;
  batchSize?: number;
  maxRetries?: number;
}

export function startStreamPoller(opts: StreamPollerOptions): StreamPoller {
  const idleMs = opts.idleMs ?? 100;
  const batchSize = opts.batchSize ?? 100;
  const maxRetries = opts.maxRetries ?? 3;
  let stopped = false;
  const controller = new AbortController();
  const shards = new Map<string, Promise<void>>();
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  /** Waits, or stops waiting at once when the poller stops. Leaves no listener behind. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        controller.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      controller.signal.addEventListener("abort", done, { once: true });
    });

  async function readShard(shardId: string, firstPass: () => void): Promise<void> {
    let lastSequence: string | undefined;
    let iterator = await iteratorFor(shardId, undefined);
    let caughtUp = false;
    while (!stopped && iterator) {
      let page: { Records?: _Record[]; NextShardIterator?: string };
      try {
        page = await opts.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }), {
          abortSignal: controller.signal,
        });
      } catch (error) {
        if (stopped) return;
        if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
          iterator = await iteratorFor(shardId, lastSequence);
          continue;
        }
        opts.log.warn("stream read failed", { shardId, error });
        await sleep(1000);
        continue;
      }
      const records = page.Records ?? [];
      if (records.length > 0) {
        await deliver(records);
        lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? lastSequence;
      } else {
        if (!caughtUp) {
          caughtUp = true;
          firstPass();
        }
        await sleep(idleMs);
      }
      iterator = page.NextShardIterator;
    }
    if (!caughtUp) firstPass();
  }

  async function iteratorFor(shardId: string, after: string | undefined): Promise<string | undefined> {
    const { ShardIterator } = await opts.client.send(
      new GetShardIteratorCommand({
        StreamArn: opts.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: after }
          : { ShardIteratorType: "TRIM_HORIZON" }),
      }),
    );
    return ShardIterator;
  }

  async function deliver(records: _Record[]): Promise<void> {
    const event = {
      Records: records.map((r) => ({
        eventID: r.eventID,
        eventName: r.eventName,
        eventSource: "aws:dynamodb",
        eventSourceARN: opts.streamArn,
        awsRegion: "local",
        dynamodb: {
          ...r.dynamodb,
          ApproximateCreationDateTime: r.dynamodb?.ApproximateCreationDateTime?.getTime(),
        },
      })),
    } as DynamoDBStreamEvent;
    for (let attempt = 0; attempt <= maxRetries && !stopped; attempt++) {
      try {
        const result = await opts.handler(event);
        if (result.batchItemFailures.length === 0) return;
        opts.log.warn("worker reported failures", { failures: result.batchItemFailures.length, attempt });
      } catch (error) {
        opts.log.error("worker threw", { error, attempt });
      }
      await sleep(500 * 2 ** attempt);
    }
  }

  /** Discovers shards (DynamoDB rolls them over) and keeps one reader per open shard. */
  async function discover(): Promise<void> {
    let firstRound = true;
    while (!stopped) {
      try {
        const { StreamDescription } = await opts.client.send(
          new DescribeStreamCommand({ StreamArn: opts.streamArn }),
        );
        const found = StreamDescription?.Shards ?? [];
        const pending: Promise<void>[] = [];
        for (const shard of found) {
          const id = shard.ShardId;
          if (!id || shards.has(id)) continue;
          let done: () => void = () => {};
          pending.push(
            new Promise<void>((resolve) => {
              done = resolve;
            }),
          );
          shards.set(
            id,
            readShard(id, done).catch((error: unknown) => {
              if (!stopped) opts.log.error("stream shard reader stopped", { shardId: id, error });
            }),
          );
        }
        if (firstRound) {
          firstRound = false;
          void Promise.all(pending).then(markReady);
        }
      } catch (error) {
        if (!stopped) opts.log.warn("stream describe failed", { error });
      }
      await sleep(5_000);
    }
  }

  const discovering = discover();

  return {
    ready,
    async stop() {
      stopped = true;
      controller.abort();
      markReady();
      await Promise.allSettled([discovering, ...shards.values()]);
    },
  };
}
