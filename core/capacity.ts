import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Community } from "./config/schema.js";
import { type Core, type TransactItem, transact } from "./context.js";
import {
  communityMetaSchema,
  type JoinRequest,
  joinRequestSchema,
  keys,
  SYSTEM,
  ticketKey,
} from "./model.js";
import { auditPut, effectPuts } from "./outbox-items.js";
import { admitStanding, transition } from "./requests.js";
import { TABLE } from "./store/table.js";

/**
 * Seats and the waitlist.
 *
 * Taken seats are counted on a few counter items per community (`COMMUNITY#<id>` / `SEATS#<k>`,
 * 16 of them), not on one: every admission increments one counter inside the transaction that
 * admits the member, and a burst of admissions into one community would otherwise queue on a
 * single item (DynamoDB refuses concurrent transactions on an item; they retry). Each counter of
 * a capped community owns a share of the capacity and its increment is conditional on that
 * share, so the counters can never add up to more than `capacity`, under any interleaving; a
 * taker picks at random among the counters that had room when it read them, and a counter that
 * filled meanwhile fails its condition and the taker reads again. Any counter can give a seat
 * back (seats are interchangeable). `seatsUsed` on the META item is where seats were counted
 * before; it is still counted and drained first, and never incremented again.
 *
 * Waitlist order is a ticket from an atomic counter on the META item; positions are counted, so
 * tickets lost to a failed transaction leave harmless gaps.
 */
export interface Seats {
  used: number;
  capacity: number | undefined;
  /** Counters that had room (capped) or exist (uncapped) when read: where `takeSeat` looks. */
  room: readonly number[];
  /** Seats taken per counter, and on the META item (`legacy`), for giving one back. */
  taken: { legacy: number; counters: ReadonlyMap<number, number> };
}

/** How many counters a community's seats are spread over. */
export const SEAT_COUNTERS = 16;

const seatCounterSchema = z.object({ used: z.number().int().default(0) });

/** The share of `capacity` that counter `k` may hand out (the shares add up to `capacity`). */
function shareOf(capacity: number, k: number): number {
  return Math.floor(capacity / SEAT_COUNTERS) + (k < capacity % SEAT_COUNTERS ? 1 : 0);
}

export function isFull(seats: Seats): boolean {
  return seats.capacity !== undefined && seats.used >= seats.capacity;
}

/** Taken seats (one strongly consistent query: the META item and the counters). */
export async function seats(core: Core, community: Community): Promise<Seats> {
  const meta = keys.meta(community.id);
  const { Items } = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :meta AND :last",
      ExpressionAttributeValues: { ":pk": meta.pk, ":meta": meta.sk, ":last": `${SEATS_PREFIX}~` },
      ConsistentRead: true,
    }),
  );
  let legacy = 0;
  const counters = new Map<number, number>();
  for (const item of Items ?? []) {
    if (item.sk === meta.sk) legacy = communityMetaSchema.parse(item).seatsUsed;
    const k = counterOf(item.sk);
    if (k !== undefined) counters.set(k, seatCounterSchema.parse(item).used);
  }
  const used = legacy + [...counters.values()].reduce((a, b) => a + b, 0);
  const capacity = community.capacity;
  const free = capacity === undefined ? undefined : Math.max(0, capacity - legacy);
  const room = Array.from({ length: SEAT_COUNTERS }, (_, k) => k).filter(
    (k) => free === undefined || (counters.get(k) ?? 0) < shareOf(free, k),
  );
  return { used, capacity, room, taken: { legacy, counters } };
}

const SEATS_PREFIX = "SEATS#";
const counterKey = (communityId: string, k: number) => ({
  pk: keys.meta(communityId).pk,
  sk: `${SEATS_PREFIX}${String(k).padStart(2, "0")}`,
});
function counterOf(sk: unknown): number | undefined {
  if (typeof sk !== "string" || !sk.startsWith(SEATS_PREFIX)) return undefined;
  const k = Number(sk.slice(SEATS_PREFIX.length));
  return Number.isInteger(k) ? k : undefined;
}
const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(Math.random() * list.length)];

/**
 * The transaction item that takes one seat, failing its condition when its counter has no room
 * left: one of the counters that had room in `seats`, just read (they also say how many seats
 * the META item still counts, which the counters' shares leave out).
 */
export function takeSeat(core: Core, community: Community, seats: Seats): TransactItem {
  const capacity = community.capacity;
  const legacy = seats.taken.legacy;
  const k = pick(seats.room) ?? Math.floor(Math.random() * SEAT_COUNTERS);
  const share = capacity === undefined ? undefined : shareOf(Math.max(0, capacity - legacy), k);
  return {
    Update: {
      TableName: core.store.table,
      Key: counterKey(community.id, k),
      UpdateExpression: "SET used = if_not_exists(used, :zero) + :one",
      ...(share !== undefined ? { ConditionExpression: "attribute_not_exists(used) OR used < :share" } : {}),
      ExpressionAttributeValues: {
        ":zero": 0,
        ":one": 1,
        ...(share !== undefined ? { ":share": share } : {}),
      },
    },
  };
}

/** The transaction item that gives one seat back: to the META item while it still counts some, else to a counter. */
function giveSeat(core: Core, community: Community, seats: Seats): TransactItem {
  const { taken } = seats;
  const nonEmpty = [...taken.counters].filter(([, used]) => used > 0).map(([k]) => k);
  const k = pick(nonEmpty);
  const legacy = taken.legacy > 0 || k === undefined;
  return {
    Update: {
      TableName: core.store.table,
      Key: legacy ? keys.meta(community.id) : counterKey(community.id, k),
      UpdateExpression: legacy ? "SET seatsUsed = seatsUsed - :one" : "SET used = used - :one",
      ConditionExpression: legacy ? "seatsUsed > :zero" : "used > :zero",
      ExpressionAttributeValues: { ":one": 1, ":zero": 0 },
    },
  };
}

/** The next waitlist ticket (atomic, strictly increasing). */
export async function nextTicket(core: Core, community: Community): Promise<number> {
  const { Attributes } = await core.store.doc.send(
    new UpdateCommand({
      TableName: core.store.table,
      Key: keys.meta(community.id),
      UpdateExpression: "ADD waitSeq :one",
      ExpressionAttributeValues: { ":one": 1 },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  return communityMetaSchema.parse(Attributes ?? {}).waitSeq;
}

/** 1-based position of a waitlisted request. */
export async function waitlistPosition(core: Core, request: JoinRequest): Promise<number | undefined> {
  if (request.status !== "waitlisted" || !request.waitlist) return undefined;
  // A query stops after 1 MB of items even when it only counts them: page through.
  let ahead = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        IndexName: TABLE.indexes.due.name,
        KeyConditionExpression: `${TABLE.indexes.due.partitionKey} = :w AND ${TABLE.indexes.due.sortKey} < :t`,
        ExpressionAttributeValues: {
          ":w": keys.waitlist(request.communityId),
          ":t": ticketKey(request.waitlist.ticket),
        },
        Select: "COUNT",
        ExclusiveStartKey: start,
      }),
    );
    ahead += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return ahead + 1;
}

/** The waitlist, in order. */
export async function waitlist(core: Core, community: Community, limit = 100): Promise<JoinRequest[]> {
  const { Items } = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      IndexName: TABLE.indexes.due.name,
      KeyConditionExpression: `${TABLE.indexes.due.partitionKey} = :w`,
      ExpressionAttributeValues: { ":w": keys.waitlist(community.id) },
      Limit: limit,
    }),
  );
  return (Items ?? []).map((i) => joinRequestSchema.parse(i));
}

/** Admits waitlisted applicants, in order, while seats are free. Returns the admitted requests. */
export async function promote(core: Core, community: Community): Promise<JoinRequest[]> {
  const admitted: JoinRequest[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    const taken = await seats(core, community);
    if (isFull(taken)) break;
    const [head] = await waitlist(core, community, 1);
    if (!head) break;
    const at = core.now().toISOString();
    const result = await transact(core, [
      transition(core, head, "waitlisted", "approved", { admittedAt: at }),
      takeSeat(core, community, taken),
      admitStanding(core, head, at),
      ...effectPuts(
        core,
        head,
        [{ kind: "grant" }, { kind: "notice", notice: "admitted" }, { kind: "card.update" }],
        "approved",
      ),
      auditPut(core, {
        requestId: head.id,
        actor: SYSTEM,
        action: "admitted",
        from: "waitlisted",
        to: "approved",
      }),
    ]);
    if (result.ok) admitted.push({ ...head, status: "approved", admittedAt: at });
    // On a failed condition the head was withdrawn or the seat taken meanwhile: look again.
  }
  return admitted;
}

/** A member leaves (or is removed): their seat frees up and the waitlist moves. */
export async function leave(
  core: Core,
  community: Community,
  userId: string,
): Promise<{ left: boolean; admitted: JoinRequest[] }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = await transact(core, [
      {
        Update: {
          TableName: core.store.table,
          Key: keys.applicant(community.id, userId),
          UpdateExpression: "SET leftAt = :now REMOVE memberSince, membershipRequestId",
          ConditionExpression: "attribute_exists(memberSince)",
          ExpressionAttributeValues: { ":now": core.now().toISOString() },
        },
      },
      giveSeat(core, community, await seats(core, community)),
    ]);
    if (result.ok) return { left: true, admitted: await promote(core, community) };
    // Not a member (any more): nothing to free. Otherwise the counter emptied meanwhile: read again.
    if (result.reasons[0] === "ConditionalCheckFailed") return { left: false, admitted: [] };
  }
  throw new Error(`could not free a seat in ${community.id}: too much contention`);
}
