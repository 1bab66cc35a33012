import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Store } from "./client.js";

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/**
 * What each item of a transaction stands for. A failed transaction reports the labels whose
 * conditions failed, so callers ask "did the seat fail?" instead of decoding positions.
 */
export type Label =
  /** The request item itself: created once, or moved from the status it is leaving. */
  | "request"
  /** The applicant's standing: one open request, membership, cooldown, block. */
  | "standing"
  /** A seat taken or freed on the community's counter. */
  | "seat"
  /** Outbox entries: side effects of the change. */
  | "outbox"
  /** An outbox entry's own state as a delivery settles it (fenced on the delivery's claim). */
  | "entry"
  /** The audit trail. */
  | "audit"
  /** A closed request's personal part (core/privacy.ts). */
  | "personal"

  /** A request's timer (reply due, claim ending): its condition says the timer is still the one read. */
  | "timer"
  /** Insights counters (core/stats.ts): unconditional ADDs, never a failed condition. */
  | "stats"
  /** A task record (bulk job, digest marker): created once. */
  | "task";

export interface Labelled {
  label: Label;
  item: TransactItem;
}

export const labelled = (label: Label, item: TransactItem): Labelled => ({ label, item });

export type TransactResult = { ok: true } | { ok: false; failed: ReadonlySet<Label> };

const RETRYABLE_REASONS = new Set([
  "TransactionConflict",
  "ThrottlingError",
  "ProvisionedThroughputExceeded",
]);

/**
 * Runs a transaction. Conflicts with concurrent transactions on the same items are retried with
 * jittered backoff (they say nothing about the outcome), and so are DynamoDB's internal errors
 * (DynamoDB Local answers one when a lock wait times out under load, and says the transaction did
 * not happen). Every transaction is conditioned on the state it leaves, so a retry cannot apply a
 * change twice. Failed conditions come back as the set of labels whose condition failed.
 */
export async function transact(
  store: Store,
  items: readonly Labelled[],
  token?: string,
): Promise<TransactResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      await store.doc.send(
        new TransactWriteCommand({
          TransactItems: items.map((i) => i.item),
          ...(token ? { ClientRequestToken: token } : {}),
        }),
      );
      return { ok: true };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.includes("ConditionalCheckFailed")) {
        const failed = new Set<Label>();
        reasons.forEach((reason, i) => {
          const label = items[i]?.label;
          if (reason === "ConditionalCheckFailed" && label) failed.add(label);
        });
        return { ok: false, failed };
      }
      const conflicted = reasons?.some((r) => RETRYABLE_REASONS.has(r)) ?? isConflict(error);
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
  return (
    name === "TransactionConflictException" ||
    name === "TransactionInProgressException" ||
    name === "InternalServerError"
  );
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Update-expression helper: names every attribute (`#a`) so reserved words never bite. */
export function names(...attributes: string[]): Record<string, string> {
  return Object.fromEntries(attributes.map((a) => [`#${a}`, a]));
}
