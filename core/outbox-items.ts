import { createHash } from "node:crypto";
import { type Core, outboxTime, type TransactItem } from "./context.js";
import type { EffectSpec } from "./effects.js";
import { type Actor, type AuditEntry, keys, type RequestStatus } from "./model.js";
import { TABLE } from "./store/table.js";

/** How long the stream worker has to pick an effect up before the sweeper re-drives it. */
export const STREAM_GRACE_MS = 2 * 60_000;

/** The effect's item name: unique per request and state change, so a transition enqueues it once. */
export function effectName(spec: EffectSpec, cause: string): string {
  switch (spec.kind) {
    case "notice":
      return `notice.${spec.notice}`;
    case "card.update":
      return `card.update#${cause}`;
    case "stuck":
      return `stuck#${spec.effect}`;
    default:
      return spec.kind;
  }
}

/**
 * The entry's stable id for the platforms (Discord's `nonce`, at most 25 characters; Slack's
 * message metadata): the same for every attempt of one entry, different across entries.
 */
export function effectKey(requestId: string, name: string): string {
  return createHash("sha256").update(`${requestId}:${name}`).digest("hex").slice(0, 25);
}

/** Outbox entries to write in the same transaction as the state change that causes them. */
export function effectPuts(
  core: Core,
  request: { id: string; communityId: string; platform: string },
  specs: EffectSpec[],
  cause: string,
): TransactItem[] {
  // The outbox's clock, not the decisions' (which `sweep --now` may have moved).
  const now = outboxTime(core);
  const due = new Date(now.getTime() + STREAM_GRACE_MS).toISOString();
  return specs.map((spec) => {
    const name = effectName(spec, cause);
    return {
      Put: {
        TableName: core.store.table,
        Item: {
          ...keys.effect(request.id, name),
          type: "effect",
          name,
          spec,
          requestId: request.id,
          communityId: request.communityId,
          platform: request.platform,
          status: "pending",
          attempts: 0,
          failures: 0,
          createdAt: now.toISOString(),
          dueAt: due,
          [TABLE.indexes.due.partitionKey]: keys.outbox,
          [TABLE.indexes.due.sortKey]: `${due}#${request.id}#${name}`,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
  });
}

/** An append-only audit entry, written in the same transaction as the change it records. */
export function auditPut(
  core: Core,
  entry: {
    requestId: string;
    actor: Actor;
    action: string;
    from?: RequestStatus;
    to?: RequestStatus;
    reason?: string;
  },
): TransactItem {
  const at = core.now().toISOString();
  const item: AuditEntry = { ...entry, at };
  return {
    Put: {
      TableName: core.store.table,
      Item: {
        ...keys.audit(entry.requestId, at, Math.random().toString(36).slice(2, 8)),
        type: "audit",
        ...item,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  };
}
