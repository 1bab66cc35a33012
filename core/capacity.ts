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

/**
 * A seat about to be taken on counter `counter` (`takeSeat(..., claim.counter)`): `settle` says
 * whether the transaction that took it committed. Always settle, once.
 */
export interface SeatClaim {
  counter: number;
  settle(committed: boolean): void;
}

/**
 * Seat takers of one community in this process, so that concurrent submissions never race each
 * other for the same last seats of a counter. Each read of the counters is taken together with
 * the seats this process is taking right now (`inflight`) and the ones that committed while the
 * read was on its way (`wins` after the read began: the read may or may not count them); a claim
 * goes only to a counter that has room even if all of those count. When no counter is sure to have
 * room but the committed seats leave some, the claimer waits for an in-flight take to settle and
 * reads again: a failed take frees its seat for the next in line, and nobody is put on the
 * waitlist while a seat may still be free.
 *
 * Correctness does not depend on this: each counter's condition still caps it (other processes,
 * other Lambda instances, take seats too, and their races fail a condition and retry). It only
 * keeps one process's burst from cancelling its own transactions: measured with 60 submissions
 * at once into 30 seats, 48 of 108 transactions failed their seat condition without it
 * (test/core/burst.test.ts). A Lambda instance serves one request at a time, so there it never
 * engages.
 */
interface SeatGate {
  inflight: Map<number, number>;
  /** Settled takes so far (a clock for `wins`). */
  settled: number;
  /** Committed takes, with the value of `settled` after each: kept while a read may not count them. */
  wins: { counter: number; at: number }[];
  /** Reads of the counters on their way, by the value of `settled` when they began. */
  reads: Map<symbol, number>;
  waiting: (() => void)[];
}

const gates = new Map<string, SeatGate>();

function gateOf(core: Core, community: Community): SeatGate {
  const key = `${core.store.table}\u0000${community.id}`;
  let gate = gates.get(key);
  if (!gate) {
    gate = { inflight: new Map(), settled: 0, wins: [], reads: new Map(), waiting: [] };
    gates.set(key, gate);
  }
  return gate;
}

/**
 * Reads the seats and, unless the community is full, claims a seat on a counter that no other
 * taker in this process can fill first (see `SeatGate`). Full: `claim` is absent.
 */
export async function claimSeat(
  core: Core,
  community: Community,
): Promise<{ seats: SeatState; claim?: SeatClaim | undefined }> {
  const gate = gateOf(core, community);
  for (;;) {
    const read = Symbol("read");
    const began = gate.settled;
    gate.reads.set(read, began);
    let seats: SeatState;
    try {
      seats = await readSeats(core, community);
    } finally {
      gate.reads.delete(read);
    }
    if (isFull(seats)) return { seats };
    const capacity = community.capacity;
    const free = capacity === undefined ? undefined : Math.max(0, capacity - seats.counts.legacy);
    const pending = new Map(gate.inflight);
    for (const w of gate.wins) if (w.at > began) pending.set(w.counter, (pending.get(w.counter) ?? 0) + 1);
    const room = Array.from({ length: SEAT_COUNTERS }, (_, k) => k).filter(
      (k) =>
        free === undefined || (seats.counts.counters.get(k) ?? 0) + (pending.get(k) ?? 0) < shareOf(free, k),
    );
    const counter = room[Math.floor(Math.random() * room.length)];
    if (counter !== undefined) {
      gate.inflight.set(counter, (gate.inflight.get(counter) ?? 0) + 1);
      let settled = false;
      return {
        seats,
        claim: {
          counter,
          settle(committed) {
            if (settled) return;
            settled = true;
            gate.inflight.set(counter, (gate.inflight.get(counter) ?? 1) - 1);
            gate.settled++;
            if (committed) gate.wins.push({ counter, at: gate.settled });
            prune(gate);
            // A failed take gave its seat back: the next in line reads again. Once no take is on
            // its way, a read tells everyone waiting the truth (most often: full).
            if (!committed) gate.waiting.shift()?.();
            if (![...gate.inflight.values()].some((n) => n > 0))
              for (const wake of gate.waiting.splice(0)) wake();
          },
        },
      };
    }
    // Every counter with room is spoken for by takes on their way: wait for one to fail, or all to settle.
    if ([...gate.inflight.values()].some((n) => n > 0))
      await new Promise<void>((resolve) => gate.waiting.push(resolve));
  }
}

/** Wins no read on its way could miss are counted by every later read: forget them. */
function prune(gate: SeatGate): void {
  const oldest = Math.min(gate.settled, ...gate.reads.values());
  gate.wins = gate.wins.filter((w) => w.at > oldest);
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
