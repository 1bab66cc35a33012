import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { GatekeeperConfig } from "./config/schema.js";
import type { Logger } from "./log.js";
import type { Store } from "./store/client.js";

/** What every core operation needs: the table, the communities, a clock and a logger. */
export interface Core {
  store: Store;
  config: GatekeeperConfig;
  /** The clock of decisions: expiry, reminders, cooldowns, audit. `sweep --now` fixes it. */
  now(): Date;
  log: Logger;
  /**
   * The clock of outbox leases and retry times; absent: the wall clock. Never fixed by
   * `sweep --now`, so a sweep run by hand cannot take over a lease that is live in real time.
   * Tests that move time through retries set it to their clock.
   */
  outboxNow?: () => Date;
}

/** Now, on the outbox's clock (see `Core.outboxNow`). */
export function outboxTime(core: Core): Date {
  return core.outboxNow ? core.outboxNow() : new Date();
}

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

export type TransactResult = { ok: true } | { ok: false; reasons: string[] };

const RETRYABLE_REASONS = new Set([
  "TransactionConflict",
  "ThrottlingError",
  "ProvisionedThroughputExceeded",
]);

/**
 * Runs a transaction. Conflicts with concurrent transactions on the same items are retried
 * with jittered backoff (they say nothing about the outcome); failed conditions are returned
 * as per-item reason codes (`ConditionalCheckFailed`, `None`, …) for the caller to interpret.
 */
export async function transact(core: Core, items: TransactItem[], token?: string): Promise<TransactResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      await core.store.doc.send(
        new TransactWriteCommand({
          TransactItems: items,
          ...(token ? { ClientRequestToken: token } : {}),
        }),
      );
      return { ok: true };
    } catch (error) {
      const reasons = cancellationReasons(error);
      const conflicted = reasons?.some((r) => RETRYABLE_REASONS.has(r)) ?? isConflict(error);
      const failedCondition = reasons?.includes("ConditionalCheckFailed") ?? false;
      if (reasons && failedCondition) return { ok: false, reasons };
      if (conflicted && attempt < 60) {
        await sleep(Math.min(1000, 10 * 2 ** Math.min(attempt, 6)) * Math.random() + 5);
        continue;
      }
      throw error;
    }
  }
}

function cancellationReasons(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
}

function isConflict(error: unknown): boolean {
  const name = error instanceof Error ? error.name : "";
  return name === "TransactionConflictException" || name === "TransactionInProgressException";
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Update-expression helper: names every attribute (`#a`) so reserved words never bite. */
export function names(...attributes: string[]): Record<string, string> {
  return Object.fromEntries(attributes.map((a) => [`#${a}`, a]));
}
