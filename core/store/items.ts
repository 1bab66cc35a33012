import { createHash } from "node:crypto";
import type { Community } from "../config/schema.js";
import { type Core, outboxTime } from "../context.js";
import type { EffectSpec } from "../effects.js";
import {
  type Actor,
  type AuditEntry,
  type JoinRequest,
  keys,
  type RequestStatus,
  TRANSITIONS,
  ticketKey,
} from "../model.js";
import { dayOf, type StatsDelta, shardOf, statsUpdate } from "../stats.js";
import { TABLE } from "./table.js";
import { type Labelled, labelled, names } from "./transact.js";

/**
 * The items of every state-changing transaction, each labelled with what it stands for. Use cases
 * and the capacity module compose them; nothing else writes these items.
 */

const G1PK = TABLE.indexes.due.partitionKey;
const G1SK = TABLE.indexes.due.sortKey;
const G2PK = TABLE.indexes.applicant.partitionKey;
const G2SK = TABLE.indexes.applicant.sortKey;

/** How long the stream worker has to pick an effect up before the sweeper re-drives it. */
export const STREAM_GRACE_MS = 2 * 60_000;

/** A new request, created once (a replay finds it). */
export function createRequest(core: Core, request: JoinRequest, index: Record<string, string>): Labelled {
  return labelled("request", {
    Put: {
      TableName: core.store.table,
      Item: {
        ...keys.request(request.id),
        type: "request",
        ...request,
        ...index,
        [G2PK]: keys.byApplicant(request.platform, request.workspace, request.applicant.userId),
        [G2SK]: `${request.createdAt}#${request.id}`,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  });
}

/** Statuses that close a request: its personal part then goes into retention (core/privacy.ts). */
export const CLOSED: readonly RequestStatus[] = ["approved", "denied", "withdrawn", "expired"];

/** Where a request that closes at `at` sits in gsi1: waiting for the sweeper's privacy move. */
export function closedIndex(requestId: string, at: string): { pk: string; sk: string } {
  return { pk: keys.privacyMove, sk: `${at}#${requestId}` };
}

/**
 * Where a request sits in gsi1: pending by age, waitlisted by ticket, closed waiting for the move
 * of its personal part (core/privacy.ts).
 */
export function dueIndex(request: JoinRequest): Record<string, string> {
  if (request.status === "pending")
    return { [G1PK]: keys.pending, [G1SK]: `${request.createdAt}#${request.id}` };
  if (request.status === "waitlisted" && request.waitlist)
    return { [G1PK]: keys.waitlist(request.communityId), [G1SK]: ticketKey(request.waitlist.ticket) };
  if (CLOSED.includes(request.status)) {
    const closed = closedIndex(request.id, request.updatedAt);
    return { [G1PK]: closed.pk, [G1SK]: closed.sk };
  }
  return {};
}

export interface TransitionFields {
  decision?: JoinRequest["decision"];
  waitlist?: JoinRequest["waitlist"];
  admittedAt?: string;
  closedAt?: string;
  remindedAt?: string;
  blocked?: JoinRequest["blocked"];
  /** A question went unanswered (the interview's "no reply"). */
  noReplyAt?: string;
  /**
   * New gsi1 placement; absent: the request leaves gsi1 (no longer due for anything) or, closing,
   * waits there for the move of its personal part (core/privacy.ts).
   */
  index?: { pk: string; sk: string };
}

/** The request's own update, conditional on the status it is leaving; illegal transitions are refused. */
export function transition(
  core: Core,
  request: JoinRequest,
  from: RequestStatus,
  to: RequestStatus,
  fields: TransitionFields,
  now = core.now().toISOString(),
): Labelled {
  if (!TRANSITIONS[from].includes(to))
    throw new Error(`illegal transition ${from} → ${to} for ${request.id}`);
  const { index: given, ...rest } = fields;
  const index = given ?? (CLOSED.includes(to) ? closedIndex(request.id, now) : undefined);
  const values: Record<string, unknown> = {
    ":from": from,
    ":to": to,
    ":now": now,
    ":one": 1,
  };
  const set = ["#status = :to", "updatedAt = :now"];
  const named: string[] = [];
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined) continue;
    set.push(`#${k} = :${k}`);
    values[`:${k}`] = v;
    named.push(k);
  }
  if (index) {
    set.push(`${G1PK} = :g1pk`, `${G1SK} = :g1sk`);
    values[":g1pk"] = index.pk;
    values[":g1sk"] = index.sk;
  }
  return labelled("request", {
    Update: {
      TableName: core.store.table,
      Key: keys.request(request.id),
      UpdateExpression: `SET ${set.join(", ")} ADD #version :one${index ? "" : ` REMOVE ${G1PK}, ${G1SK}`}`,
      ConditionExpression: "#status = :from",
      ExpressionAttributeNames: names("status", "version", ...named),
      ExpressionAttributeValues: values,
    },
  });
}

/**
 * The request as `transition(…, now)` leaves it, when the transaction that carries it succeeds:
 * what the caller read, with the transition's fields, status, time and version. No second read:
 * the decision's answer needs nothing that others may have written meanwhile.
 */
export function transitioned(
  request: JoinRequest,
  to: RequestStatus,
  fields: TransitionFields,
  now: string,
): JoinRequest {
  const { index: _index, ...rest } = fields;
  const set = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...request, ...set, status: to, updatedAt: now, version: request.version + 1 };
}

/** The applicant's standing for a new request, guarded: no open request, not a member, not blocked, not cooling down. */
export function claimStanding(core: Core, request: JoinRequest): Labelled {
  const set = ["lastRequestId = :id"];
  if (request.status === "pending" || request.status === "waitlisted") set.push("activeRequestId = :id");
  if (request.status === "approved") set.push("memberSince = :at, membershipRequestId = :id");
  return labelled("standing", {
    Update: {
      TableName: core.store.table,
      Key: keys.applicant(request.communityId, request.applicant.userId),
      UpdateExpression: `SET ${set.join(", ")}`,
      ConditionExpression:
        "attribute_not_exists(activeRequestId) AND attribute_not_exists(memberSince) AND " +
        "(attribute_not_exists(blocked) OR blocked = :false) AND " +
        "(attribute_not_exists(cooldownUntil) OR cooldownUntil <= :at)",
      ExpressionAttributeValues: { ":id": request.id, ":false": false, ":at": request.createdAt },
    },
  });
}

/** The applicant's open request ends (denied, withdrawn, expired); optionally a cooldown starts. */
export function releaseStanding(
  core: Core,
  request: JoinRequest,
  extra: { cooldownUntil?: string | undefined; block?: { by: Actor; at: string } | undefined } = {},
): Labelled {
  const set = [
    ...(extra.cooldownUntil ? ["cooldownUntil = :c"] : []),
    ...(extra.block ? ["blocked = :true", "blockedBy = :by", "blockedAt = :at"] : []),
  ];
  return labelled("standing", {
    Update: {
      TableName: core.store.table,
      Key: keys.applicant(request.communityId, request.applicant.userId),
      UpdateExpression: `${set.length > 0 ? `SET ${set.join(", ")} ` : ""}REMOVE activeRequestId`,
      ConditionExpression: "activeRequestId = :id",
      ExpressionAttributeValues: {
        ":id": request.id,
        ...(extra.cooldownUntil ? { ":c": extra.cooldownUntil } : {}),
        ...(extra.block ? { ":true": true, ":by": extra.block.by, ":at": extra.block.at } : {}),
      },
    },
  });
}

/** The applicant becomes a member: the open request ends and the membership is recorded. */
export function admitStanding(core: Core, request: JoinRequest, at: string): Labelled {
  return labelled("standing", {
    Update: {
      TableName: core.store.table,
      Key: keys.applicant(request.communityId, request.applicant.userId),
      UpdateExpression: "SET memberSince = :at, membershipRequestId = :id REMOVE activeRequestId",
      ConditionExpression: "activeRequestId = :id",
      ExpressionAttributeValues: { ":id": request.id, ":at": at },
    },
  });
}

/** A membership ends (left, removed, released): only the membership that request gave, once. */
export function endMembership(core: Core, community: Community, userId: string, requestId: string): Labelled {
  return labelled("standing", {
    Update: {
      TableName: core.store.table,
      Key: keys.applicant(community.id, userId),
      UpdateExpression: "SET leftAt = :now REMOVE memberSince, membershipRequestId",
      ConditionExpression: "attribute_exists(memberSince) AND membershipRequestId = :rid",
      ExpressionAttributeValues: { ":now": core.now().toISOString(), ":rid": requestId },
    },
  });
}

/** Marks an approved request's seat as given back (its card says so; its grant is revoked). */
export function markLeft(core: Core, request: JoinRequest, at: string): Labelled {
  return labelled("request", {
    Update: {
      TableName: core.store.table,
      Key: keys.request(request.id),
      UpdateExpression: "SET leftAt = :at, updatedAt = :at",
      ConditionExpression: "#status = :approved AND attribute_not_exists(leftAt)",
      ExpressionAttributeNames: names("status"),
      ExpressionAttributeValues: { ":at": at, ":approved": "approved" },
    },
  });
}

/** How many counters a community's seats are spread over (core/capacity.ts explains why). */
export const SEAT_COUNTERS = 16;

/** The share of `free` seats that counter `k` may hand out (the shares add up to `free`). */
export function shareOf(free: number, k: number): number {
  return Math.floor(free / SEAT_COUNTERS) + (k < free % SEAT_COUNTERS ? 1 : 0);
}

/** What taking or giving back a seat needs to know, read just before (`Capacity.readSeats`). */
export interface SeatCounts {
  /** Seats still counted on the META item (where seats were counted before the counters). */
  legacy: number;
  /** Seats taken per counter. */
  counters: ReadonlyMap<number, number>;
  /** Counters that had room (capped) or any counter (uncapped) when read. */
  room: readonly number[];
}

const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(Math.random() * list.length)];

/**
 * Takes one seat on one of the counters that had room when `counts` was read (or on `counter`,
 * chosen by `Capacity.claimSeat`), failing its condition when that counter has no room left (its
 * share of the capacity the META item leaves).
 */
export function takeSeat(core: Core, community: Community, counts: SeatCounts, counter?: number): Labelled {
  const capacity = community.capacity;
  const k = counter ?? pick(counts.room) ?? Math.floor(Math.random() * SEAT_COUNTERS);
  const share = capacity === undefined ? undefined : shareOf(Math.max(0, capacity - counts.legacy), k);
  return labelled("seat", {
    Update: {
      TableName: core.store.table,
      Key: keys.seatCounter(community.id, k),
      UpdateExpression: "SET used = if_not_exists(used, :zero) + :one",
      ...(share !== undefined ? { ConditionExpression: "attribute_not_exists(used) OR used < :share" } : {}),
      ExpressionAttributeValues: {
        ":zero": 0,
        ":one": 1,
        ...(share !== undefined ? { ":share": share } : {}),
      },
    },
  });
}

/**
 * Frees one seat: on the META item while it still counts some, else on a counter that counts one
 * (seats are interchangeable). Fails its condition when that count emptied meanwhile.
 */
export function freeSeat(core: Core, community: Community, counts: SeatCounts): Labelled {
  const nonEmpty = [...counts.counters].filter(([, used]) => used > 0).map(([k]) => k);
  const k = pick(nonEmpty);
  const legacy = counts.legacy > 0 || k === undefined;
  return labelled("seat", {
    Update: {
      TableName: core.store.table,
      Key: legacy ? keys.meta(community.id) : keys.seatCounter(community.id, k),
      UpdateExpression: legacy ? "SET seatsUsed = seatsUsed - :one" : "SET used = used - :one",
      ConditionExpression: legacy ? "seatsUsed > :zero" : "used > :zero",
      ExpressionAttributeValues: { ":one": 1, ":zero": 0 },
    },
  });
}

/** The effect's item name: unique per request and state change, so a transition enqueues it once. */
export function effectName(spec: EffectSpec, cause: string): string {
  switch (spec.kind) {
    case "notice":
      return `notice.${spec.notice}`;
    case "card.update":
      return `card.update#${cause}`;
    case "stuck":
      return `stuck#${spec.effect}`;
    case "question.dm":
      return `question.dm#${spec.round}`;
    case "thread.post":
      return `thread.post#${spec.round}.${spec.part}`;
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

/** Outbox entries, written in the same transaction as the state change that causes them. */
export function effectPuts(
  core: Core,
  request: { id: string; communityId: string; platform: string },
  specs: readonly EffectSpec[],
  cause: string,
): Labelled[] {
  // The outbox's clock, not the decisions' (which `sweep --now` may have moved).
  const now = outboxTime(core);
  const due = new Date(now.getTime() + STREAM_GRACE_MS).toISOString();
  return specs.map((spec) => {
    const name = effectName(spec, cause);
    return labelled("outbox", {
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
          [G1PK]: keys.outbox,
          [G1SK]: `${due}#${request.id}#${name}`,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    });
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
): Labelled {
  const at = core.now().toISOString();
  const item: AuditEntry = { ...entry, at };
  return labelled("audit", {
    Put: {
      TableName: core.store.table,
      Item: {
        ...keys.audit(entry.requestId, at, Math.random().toString(36).slice(2, 8)),
        type: "audit",
        ...item,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    },
  });
}

/**
 * Adds a state change to its community's insights counters for today (core/stats.ts), in the
 * same transaction as the change, so the figures count exactly what was recorded.
 */
export function statsAdd(
  core: Core,
  request: { id: string; communityId: string },
  delta: StatsDelta,
): Labelled {
  const day = dayOf(core.now());
  return labelled("stats", {
    Update: {
      TableName: core.store.table,
      Key: keys.stats(request.communityId, day, shardOf(request.id)),
      ...statsUpdate(delta, day, { communityId: request.communityId }),
    },
  });
}

/** How long a request waited for its decision. */
export const waitedMs = (core: Core, request: JoinRequest): number =>
  Math.max(0, core.now().getTime() - Date.parse(request.createdAt));
