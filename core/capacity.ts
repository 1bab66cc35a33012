import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Community } from "./config/schema.js";
import type { Core } from "./context.js";
import {
  applicantStandingSchema,
  communityMetaSchema,
  type JoinRequest,
  joinRequestSchema,
  keys,
  SYSTEM,
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
  statsAdd,
  takeSeat,
  transition,
} from "./store/items.js";
import { TABLE } from "./store/table.js";
import { transact } from "./store/transact.js";

/**
 * Seats and the waitlist. Seats are a counter on the community's META item; taking one is a
 * conditional increment inside the transaction that admits the member, so no interleaving can
 * over-allocate. Waitlist order is a ticket from an atomic counter; positions are counted, so
 * tickets lost to a failed transaction leave harmless gaps.
 */
export interface Seats {
  used: number;
  capacity: number | undefined;
}

export function isFull(seats: Seats): boolean {
  return seats.capacity !== undefined && seats.used >= seats.capacity;
}

export async function seats(core: Core, community: Community): Promise<Seats> {
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: keys.meta(community.id), ConsistentRead: true }),
  );
  return { used: communityMetaSchema.parse(Item ?? {}).seatsUsed, capacity: community.capacity };
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
  const { Count } = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      IndexName: TABLE.indexes.due.name,
      KeyConditionExpression: `${TABLE.indexes.due.partitionKey} = :w AND ${TABLE.indexes.due.sortKey} < :t`,
      ExpressionAttributeValues: {
        ":w": keys.waitlist(request.communityId),
        ":t": ticketKey(request.waitlist.ticket),
      },
      Select: "COUNT",
    }),
  );
  return (Count ?? 0) + 1;
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
    if (isFull(await seats(core, community))) break;
    const [head] = await waitlist(core, community, 1);
    if (!head) break;
    const at = core.now().toISOString();
    const result = await transact(core.store, [
      transition(core, head, "waitlisted", "approved", { admittedAt: at }),
      takeSeat(core, community),
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
  const at = core.now().toISOString();
  const result = await transact(core.store, [
    endMembership(core, community, userId, request.id),
    freeSeat(core, community),
    markLeft(core, request, at),
    ...effectPuts(core, request, [{ kind: "revoke" }, { kind: "card.update" }], "left"),
    auditPut(core, { requestId: request.id, actor: SYSTEM, action: "left" }),
  ]);
  if (!result.ok) return { left: false, admitted: [] };
  return { left: true, admitted: await promote(core, community) };
}
