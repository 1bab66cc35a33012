import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Community } from "./config/schema.js";
import type { Core } from "./context.js";
import {
  applicantStandingSchema,
  communityMetaSchema,
  type JoinRequest,
  joinRequestSchema,
  keys,
  SEAT_COUNTER_PREFIX,
  SYSTEM,
  seatCounterSchema,
  ticketKey,
} from "./model.js";
import { ADMITTED_DELTA } from "./stats.js";
import {
  admitStanding,
  auditPut,
  effectPuts,
  endMembership,
  freeSeat,
  markLeft,
  SEAT_COUNTERS,
  type SeatCounts,
  shareOf,
  statsAdd,
  takeSeat,
  transition,
} from "./store/items.js";
import { TABLE } from "./store/table.js";
import { transact } from "./store/transact.js";

/**
 * Seats and the waitlist.
 *
 * Taken seats are counted on a few counter items per community (`COMMUNITY#<id>` / `SEATS#<k>`,
 * `SEAT_COUNTERS` of them), not on one: every admission increments one counter inside the
 * transaction that admits the member, and a burst of admissions into one community would
 * otherwise queue on a single item (DynamoDB refuses concurrent transactions on an item; they
 * conflict and retry). Each counter of a capped community owns a share of the capacity and its
 * increment is conditional on that share, so the counters never add up to more than `capacity`,
 * under any interleaving; a taker picks at random among the counters that had room when it read
 * them, and a counter that filled meanwhile fails its condition and the taker reads again. Any
 * counter can give a seat back (seats are interchangeable). `seatsUsed` on the META item is where
 * seats were counted before; it is still counted and given back first, never incremented again
 * (it only goes down, so the shares, computed from what it leaves, only grow).
 *
 * Waitlist order is a ticket from an atomic counter on META; positions are counted, so tickets
 * lost to a failed transaction leave harmless gaps.
 */
export interface Seats {
  used: number;
  capacity: number | undefined;
}

export function isFull(seats: Seats): boolean {
  return seats.capacity !== undefined && seats.used >= seats.capacity;
}

/** Taken seats and what taking or freeing one needs (`takeSeat`, `freeSeat`). */
export interface SeatState extends Seats {
  counts: SeatCounts;
}

/** Taken seats. */
export async function seats(core: Core, community: Community): Promise<Seats> {
  const { used, capacity } = await readSeats(core, community);
  return { used, capacity };
}

/** Taken seats, per counter: one strongly consistent query over the META item and the counters. */
export async function readSeats(core: Core, community: Community): Promise<SeatState> {
  const meta = keys.meta(community.id);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :meta AND :last",
        ExpressionAttributeValues: { ":pk": meta.pk, ":meta": meta.sk, ":last": `${SEAT_COUNTER_PREFIX}~` },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  let legacy = 0;
  const counters = new Map<number, number>();
  for (const item of items) {
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
  return { used, capacity, counts: { legacy, counters, room } };
}

function counterOf(sk: unknown): number | undefined {
  if (typeof sk !== "string" || !sk.startsWith(SEAT_COUNTER_PREFIX)) return undefined;
  const k = Number(sk.slice(SEAT_COUNTER_PREFIX.length));
  return Number.isInteger(k) && k >= 0 && k < SEAT_COUNTERS ? k : undefined;
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
    const taken = await readSeats(core, community);
    if (isFull(taken)) break;
    const [head] = await waitlist(core, community, 1);
    if (!head) break;
    const at = core.now().toISOString();
    const result = await transact(core.store, [
      transition(core, head, "waitlisted", "approved", { admittedAt: at }),
      takeSeat(core, community, taken.counts),
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
      statsAdd(core, head, ADMITTED_DELTA),
    ]);
    if (result.ok) admitted.push({ ...head, status: "approved", admittedAt: at });
    // On a failed condition the head was withdrawn or the seat taken meanwhile: look again.
  }
  return admitted;
}

/**
 * A member leaves, is removed or is released: in one transaction the membership ends, the seat
 * frees up and the access it stands for is revoked (an outbox entry takes back every grant
 * channel or role, so a member who left the first channel loses the others too). Then the
 * waitlist moves. Happens once per membership, however often it is reported.
 */
export async function leave(
  core: Core,
  community: Community,
  userId: string,
): Promise<{ left: boolean; admitted: JoinRequest[] }> {
  const { Item } = await core.store.doc.send(
    new GetCommand({
      TableName: core.store.table,
      Key: keys.applicant(community.id, userId),
      ConsistentRead: true,
    }),
  );
  const requestId = applicantStandingSchema.parse(Item ?? {}).membershipRequestId;
  if (!requestId) return { left: false, admitted: [] };
  const { Item: found } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: keys.request(requestId), ConsistentRead: true }),
  );
  const request = found ? joinRequestSchema.parse(found) : undefined;
  if (!request) return { left: false, admitted: [] };
  for (let attempt = 0; attempt < 20; attempt++) {
    const taken = await readSeats(core, community);
    const at = core.now().toISOString();
    const result = await transact(core.store, [
      endMembership(core, community, userId, request.id),
      freeSeat(core, community, taken.counts),
      markLeft(core, request, at),
      ...effectPuts(core, request, [{ kind: "revoke" }, { kind: "card.update" }], "left"),
      auditPut(core, { requestId: request.id, actor: SYSTEM, action: "left" }),
    ]);
    if (result.ok) return { left: true, admitted: await promote(core, community) };
    // The counter it picked emptied meanwhile (another member left): read the counters again.
    // Anything else failed: the membership already ended, once.
    if (!(result.failed.size === 1 && result.failed.has("seat"))) return { left: false, admitted: [] };
  }
  throw new Error(`could not free a seat in ${community.id}: too much contention`);
}
