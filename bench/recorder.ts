import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * Counts what the bot's DynamoDB calls cost, for the benchmark only: a middleware on the bot's
 * DocumentClient asks every call for `ReturnConsumedCapacity` and adds up the capacity units
 * DynamoDB (Local) reports (table and indexes; transactions at their doubled rate), and keeps
 * each outbox entry's claim and settle times, from which the worker's busy time per request
 * follows. Off until `enabled` is set, so the latency runs pay nothing for it.
 */
export interface CapacityRecorder {
  enabled: boolean;
  /** Capacity units (read and write) and calls since the last `take`. */
  take(): Totals;
  /** Busy time of the outbox entries settled since the last `takeEffects`: claim → settle, ms. */
  takeEffects(): { requestId: string; name: string; ms: number }[];
}

export interface Totals {
  read: number;
  write: number;
  calls: number;
}

/** Read commands, as the DocumentClient names them and as the client underneath does (newer SDKs). */
const READS = new Set([
  "GetCommand",
  "GetItemCommand",
  "QueryCommand",
  "ScanCommand",
  "BatchGetCommand",
  "BatchGetItemCommand",
  "TransactGetCommand",
  "TransactGetItemsCommand",
]);
const UPDATES = new Set(["UpdateCommand", "UpdateItemCommand"]);

interface Consumed {
  CapacityUnits?: number;
}

export function recordCapacity(doc: DynamoDBDocumentClient): CapacityRecorder {
  let totals: Totals = { read: 0, write: 0, calls: 0 };
  const claims = new Map<string, number>();
  let effects: { requestId: string; name: string; ms: number }[] = [];
  const recorder: CapacityRecorder = {
    enabled: false,
    take() {
      const out = totals;
      totals = { read: 0, write: 0, calls: 0 };
      return out;
    },
    takeEffects() {
      const out = effects;
      effects = [];
      return out;
    },
  };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!recorder.enabled) return next(args);
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = "TOTAL";
      const started = performance.now();
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: Consumed | Consumed[] };
      const consumed = [output.ConsumedCapacity ?? []].flat();
      const units = consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      const command = context.commandName ?? "";
      if (READS.has(command)) totals.read += units;
      else totals.write += units;
      totals.calls++;
      // Outbox entries: the claim sets a lease, the settle is fenced on it (core/outbox.ts).
      const key = input.Key as { pk?: string; sk?: string } | undefined;
      if (UPDATES.has(command) && key?.sk?.startsWith("EFFECT#")) {
        const id = `${key.pk}/${key.sk}`;
        const update = String(input.UpdateExpression ?? "");
        if (update.includes("leaseUntil = :lease")) claims.set(id, started);
        else if (String(input.ConditionExpression ?? "").includes("attempts = :attempts")) {
          const claimed = claims.get(id);
          claims.delete(id);
          if (claimed !== undefined) {
            effects.push({
              requestId: (key.pk ?? "").replace(/^REQ#/, ""),
              name: key.sk.replace(/^EFFECT#/, ""),
              ms: performance.now() - claimed,
            });
          }
        }
      }
      return result;
    },
    { step: "initialize", name: "benchCapacityRecorder" },
  );
  return recorder;
}
