import { createHash } from "node:crypto";
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as Capacity from "./capacity.js";
import type { Community } from "./config/schema.js";
import type { Core } from "./context.js";
import { METRIC } from "./deployment.js";
import type { EffectSpec } from "./effects.js";
import { REASON_MAX } from "./limits.js";
import {
  type Actor,
  type ApplicantStanding,
  type AuditEntry,
  applicantStandingSchema,
  auditEntrySchema,
  type JoinRequest,
  joinRequestSchema,
  keys,
  type RequestStatus,
  SYSTEM,
  ticketKey,
} from "./model.js";
import {
  cooldownUntil,
  type FieldError,
  initialStatus,
  type Refusal,
  refineOpen,
  refusalFor,
  validateAnswers,
} from "./policy.js";
import * as Privacy from "./privacy.js";
import type { Profile } from "./profile.js";
import { evaluate } from "./rules.js";
import { closedDelta, decidedDelta, submittedDelta } from "./stats.js";
import {
  admitStanding,
  auditPut,
  claimStanding,
  createRequest,
  dueIndex,
  effectPuts,
  releaseStanding,
  statsAdd,
  takeSeat,
  transition,
  transitioned,
  waitedMs,
} from "./store/items.js";
import { TABLE } from "./store/table.js";
import { type Labelled, names, transact } from "./store/transact.js";

/**
 * Join requests as records: reading them, and every state change as one transaction conditioned
 * on the status it leaves (with the standing, the seat, the outbox entries and the audit entry).
 * Who may do what is the use cases' business (`core/usecases/`); this module trusts its caller.
 */

const G1PK = TABLE.indexes.due.partitionKey;
const G1SK = TABLE.indexes.due.sortKey;
const G2PK = TABLE.indexes.applicant.partitionKey;

export interface SubmitInput {
  community: Community;
  /** Idempotency key: the same submission (Slack view id, Discord interaction id) is recorded once. */
  submissionKey: string;
  /** Without a name, the profile's. */
  applicant: { userId: string; name?: string | undefined };
  /** Answers by question id. */
  answers: Record<string, string | undefined>;
  note?: string | undefined;
  /** A promise (a platform lookup under way) is awaited alongside this function's own reads. */
  profile: Profile | Promise<Profile>;
  /**
   * The applicant's earlier requests here, for the card (`core/history.ts`); a promise is read
   * alongside this function's own reads, not before them.
   */
  history?: JoinRequest["history"] | Promise<JoinRequest["history"]>;
}

export type SubmitOutcome =
  | { kind: "invalid"; errors: FieldError[] }
  | { kind: "refused"; refusal: Refusal }
  | { kind: "recorded"; request: JoinRequest; replay: boolean };

export type DecisionOutcome =
  | { kind: "decided"; request: JoinRequest }
  | { kind: "already"; request: JoinRequest }
  | { kind: "full"; request: JoinRequest }
  | { kind: "not-found" };

/** The request id for a submission: deterministic, so a retried submission finds its first recording. */
export function requestIdFor(community: Community, submissionKey: string): string {
  const hash = createHash("sha256").update(
    `${community.platform}:${community.workspace}:${community.id}:${submissionKey}`,
  );
  return `r${hash.digest("hex").slice(0, 20)}`;
}

/** Reads a request; undefined when there is none. */
export async function get(core: Core, requestId: string): Promise<JoinRequest | undefined> {
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: keys.request(requestId), ConsistentRead: true }),
  );
  return Item ? Privacy.withPersonal(core, joinRequestSchema.parse(Item)) : undefined;
}

export async function standing(core: Core, communityId: string, userId: string): Promise<ApplicantStanding> {
  const { Item } = await core.store.doc.send(
    new GetCommand({
      TableName: core.store.table,
      Key: keys.applicant(communityId, userId),
      ConsistentRead: true,
    }),
  );
  return applicantStandingSchema.parse(Item ?? {});
}

/** Blocks or unblocks a user from applying to a community (in addition to the config's blocklist). */
export async function setBlocked(
  core: Core,
  community: Community,
  userId: string,
  blocked: boolean,
): Promise<void> {
  await core.store.doc.send(
    new UpdateCommand({
      TableName: core.store.table,
      Key: keys.applicant(community.id, userId),
      UpdateExpression: blocked ? "SET #blocked = :b" : "SET #blocked = :b REMOVE blockedBy, blockedAt",
      ExpressionAttributeNames: names("blocked"),
      ExpressionAttributeValues: { ":b": blocked },
    }),
  );
}

/**
 * Whether the applicant may apply now; checked before a form opens (so nobody fills a form in vain)
 * and again, atomically, when the request is recorded. An open request is named for what it is
 * (waiting for review, or on the waitlist).
 */
export async function precheck(
  core: Core,
  community: Community,
  userId: string,
): Promise<Refusal | undefined> {
  const [s, seats] = await Promise.all([
    standing(core, community.id, userId),
    community.whenFull === "deny" ? Capacity.seats(core, community) : undefined,
  ]);
  const refusal = refusalFor(community, userId, s, core.now());
  if (refusal?.reason === "pending") return refineOpen(refusal, await get(core, refusal.requestId));
  return refusal ?? (seats && Capacity.isFull(seats) ? { reason: "full" } : undefined);
}

/**
 * Records a join request: validates the answers, checks the applicant's standing, evaluates the
 * rules, decides what happens at once (pending review, automatic approval or waitlist, automatic
 * decline), and writes the request, the standing, the seat, the outbox and the audit entry in
 * one transaction. A retried submission returns the first recording.
 *
 * One round of reads, all at once: the applicant's standing (which names their latest request,
 * so a retried submission finds its first recording without a read of its own), the applicant's
 * history (`input.history`, already on its way) and, only where the outcome depends on them, the
 * seats, with a seat claimed for an automatic approval (`Capacity.claimSeat`). Then the
 * transaction. A transaction that loses only its seat reads only the seats again.
 */
export async function submit(core: Core, input: SubmitInput): Promise<SubmitOutcome> {
  const { community } = input;
  const id = requestIdFor(community, input.submissionKey);
  const valid = validateAnswers(community, input.answers, input.note);
  if (valid.errors.length > 0) {
    const existing = await get(core, id);
    return existing
      ? { kind: "recorded", request: existing, replay: true }
      : { kind: "invalid", errors: valid.errors };
  }
  const capped = community.capacity !== undefined;
  // Seats decide the outcome only for an automatic approval (approved or waitlisted) or a
  // community that declines while full.
  const seatsMatter = capped && (community.autoApprove || community.whenFull === "deny");
  // Under way already (the caller started them): awaited after the reads, not before them.
  const history = Promise.resolve(input.history);
  const profiled = Promise.resolve(input.profile);
  history.catch(() => undefined);
  profiled.catch(() => undefined);
  let s: ApplicantStanding | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const [standingRead, seatsRead] = await Promise.allSettled([
      s ?? standing(core, community.id, input.applicant.userId),
      community.autoApprove
        ? Capacity.claimSeat(core, community)
        : seatsMatter
          ? Capacity.readSeats(core, community).then((seats) => ({ seats, claim: undefined }))
          : undefined,
    ]);
    // A claimed seat is always given back when what follows does not take it.
    if (standingRead.status === "rejected") {
      if (seatsRead.status === "fulfilled") seatsRead.value?.claim?.settle(false);
      throw standingRead.reason;
    }
    if (seatsRead.status === "rejected") throw seatsRead.reason;
    s = standingRead.value;
    const seating = seatsRead.value;
    const claim = seating?.claim;
    let committed = false;
    try {
      // This very submission was recorded before (a retry, or a race with one): the first recording.
      if (s.activeRequestId === id || s.lastRequestId === id || s.membershipRequestId === id) {
        const first = await get(core, id);
        if (first) return { kind: "recorded", request: first, replay: true };
      }
      const refusal = refusalFor(community, input.applicant.userId, s, core.now());
      if (refusal) {
        const open = refusal.reason === "pending" ? await get(core, refusal.requestId) : undefined;
        // This very submission was recorded between our reads: a replay.
        if (open?.id === id) return { kind: "recorded", request: open, replay: true };
        return { kind: "refused", refusal: refineOpen(refusal, open) };
      }

      const now = core.now();
      const at = now.toISOString();
      const profile = await profiled;
      const evaluation = evaluate(community, profile, now);
      const seats = seating?.seats ?? { used: 0, capacity: undefined };
      const { status, reason } = initialStatus(community, evaluation, seats);
      const ticket = status === "waitlisted" ? await Capacity.nextTicket(core, community) : undefined;
      const earlier = await history;

      const request: JoinRequest = {
        id,
        communityId: community.id,
        platform: community.platform,
        workspace: community.workspace,
        applicant: { userId: input.applicant.userId, name: input.applicant.name ?? profile.name },
        answers: valid.answers,
        ...(valid.note ? { note: valid.note } : {}),
        profile,
        evaluation,
        ...(earlier ? { history: earlier } : {}),
        status,
        version: 1,
        createdAt: at,
        updatedAt: at,
        ...(status === "pending"
          ? {}
          : {
              decision: {
                outcome: status === "denied" ? "denied" : "approved",
                by: SYSTEM,
                at,
                ...(reason ? { reason } : {}),
              },
            }),
        ...(ticket !== undefined ? { waitlist: { ticket, since: at } } : {}),
        ...(status === "approved" ? { admittedAt: at } : {}),
        ...(status === "denied" ? { closedAt: at } : {}),
      };

      const effects: EffectSpec[] = [{ kind: "card.post" }];
      if (status === "approved") effects.push({ kind: "grant" }, { kind: "notice", notice: "approved" });
      if (status === "waitlisted") effects.push({ kind: "notice", notice: "waitlisted" });
      if (status === "denied") effects.push({ kind: "notice", notice: "denied" });
      const seatCounts = seating && "counts" in seating.seats ? seating.seats.counts : undefined;
      const items: Labelled[] = [
        createRequest(core, request, dueIndex(request)),
        claimStanding(core, request),
        ...(status === "approved" && seatCounts
          ? [takeSeat(core, community, seatCounts, claim?.counter)]
          : []),
        ...effectPuts(core, request, effects, status),
        auditPut(core, {
          requestId: id,
          actor: actorOf(input.applicant),
          action: "submitted",
          to: "pending",
        }),
        statsAdd(core, request, submittedDelta(request, community)),
      ];
      if (status !== "pending") {
        items.push(
          auditPut(core, {
            requestId: id,
            actor: SYSTEM,
            action: `auto-${status}`,
            from: "pending",
            to: status,
            ...(reason ? { reason } : {}),
          }),
        );
      }

      const result = await transact(core.store, items);
      if (result.ok) {
        committed = status === "approved";
        core.log.info("request recorded", { requestId: id, community: community.id, status });
        core.metrics?.count(METRIC.requestsSubmitted);
        if (status === "denied") core.metrics?.count(METRIC.autoDeclines);
        return { kind: "recorded", request, replay: false };
      }
      if (result.failed.has("request")) {
        const first = await get(core, id);
        if (first) return { kind: "recorded", request: first, replay: true };
      }
      // Only the seat went (another process took the counter's last one): read the seats again,
      // the standing held. Anything else changed the standing: look at everything again.
      if (!(result.failed.size === 1 && result.failed.has("seat"))) s = undefined;
    } finally {
      claim?.settle(committed);
    }
  }
  throw new Error(`could not record request ${id}: too much contention`);
}

/** The applicant in the audit trail: by id only (their name is personal data, see privacy.ts). */
function actorOf(applicant: { userId: string }): Actor {
  return { kind: "user", id: applicant.userId };
}

export interface DecisionInput {
  request: JoinRequest;
  community: Community;
  by: Actor;
  outcome: "approve" | "deny";
  reason?: string | undefined;
  /** Deny only: also block the applicant from applying again (recorded with who and when). */
  block?: boolean | undefined;
}

/**
 * Records a decision. Exactly one decision wins however many arrive at once: the request's status
 * is the condition of the transaction that records it, its seat, its effects and its audit entry.
 * The caller has checked who may decide (`core/usecases/decide.ts`).
 */
export async function decide(core: Core, input: DecisionInput): Promise<DecisionOutcome> {
  const { request, community, by } = input;
  if (request.status !== "pending") return { kind: "already", request };
  const reason = input.reason?.trim().slice(0, REASON_MAX) || undefined;
  const audit = (action: string, to: RequestStatus, withReason: boolean) =>
    auditPut(core, {
      requestId: request.id,
      actor: by,
      action,
      from: "pending",
      to,
      ...(withReason && reason ? { reason } : {}),
    });

  if (input.outcome === "deny") {
    const at = core.now().toISOString();
    const decision = { outcome: "denied" as const, by, at, ...(reason ? { reason } : {}) };
    const blocked = input.block ? { by, at } : undefined;
    const fields = { decision, closedAt: at, blocked };
    const outcome = await finish(core, request, transitioned(request, "denied", fields, at), [
      transition(core, request, "pending", "denied", fields, at),
      releaseStanding(core, request, { cooldownUntil: cooldownUntil(community, core.now()), block: blocked }),
      ...effectPuts(core, request, [{ kind: "notice", notice: "denied" }, { kind: "card.update" }], "denied"),
      audit("denied", "denied", true),
      ...(blocked ? [auditPut(core, { requestId: request.id, actor: by, action: "blocked" })] : []),
      statsAdd(core, request, decidedDelta("denied", by, waitedMs(core, request))),
    ]);
    if (outcome === "seat-taken") throw new Error(`inconsistent standing for request ${request.id}`);
    return outcome;
  }

  for (let attempt = 0; attempt < 20; attempt++) {
    const seats = await Capacity.readSeats(core, community);
    const at = core.now().toISOString();
    const decision = { outcome: "approved" as const, by, at, ...(reason ? { reason } : {}) };
    if (!Capacity.isFull(seats)) {
      const fields = { decision, admittedAt: at };
      const outcome = await finish(core, request, transitioned(request, "approved", fields, at), [
        transition(core, request, "pending", "approved", fields, at),
        takeSeat(core, community, seats.counts),
        admitStanding(core, request, at),
        ...effectPuts(
          core,
          request,
          [{ kind: "grant" }, { kind: "notice", notice: "approved" }, { kind: "card.update" }],
          "approved",
        ),
        audit("approved", "approved", true),
        statsAdd(core, request, decidedDelta("approved", by, waitedMs(core, request))),
      ]);
      if (outcome !== "seat-taken") return outcome;
      continue; // the last seat went to someone else: look again
    }
    if (community.whenFull === "deny") return { kind: "full", request };
    const ticket = await Capacity.nextTicket(core, community);
    const fields = {
      decision,
      waitlist: { ticket, since: at },
      index: { pk: keys.waitlist(community.id), sk: ticketKey(ticket) },
    };
    const outcome = await finish(core, request, transitioned(request, "waitlisted", fields, at), [
      transition(core, request, "pending", "waitlisted", fields, at),
      ...effectPuts(
        core,
        request,
        [{ kind: "notice", notice: "waitlisted" }, { kind: "card.update" }],
        "waitlisted",
      ),
      audit("waitlisted", "waitlisted", false),
      statsAdd(core, request, decidedDelta("waitlisted", by, waitedMs(core, request))),
    ]);
    if (outcome !== "seat-taken") return outcome;
  }
  throw new Error(`could not decide ${request.id}: too much contention`);
}

/** Records a decision; `after` is the request as its transaction leaves it (not read again). */
async function finish(
  core: Core,
  request: JoinRequest,
  after: JoinRequest,
  items: Labelled[],
): Promise<DecisionOutcome | "seat-taken"> {
  const result = await transact(core.store, items);
  if (result.ok) {
    core.log.info("request decided", { requestId: request.id, status: after.status });
    core.metrics?.count(METRIC.decisions);
    return { kind: "decided", request: after };
  }
  if (result.failed.has("request")) {
    const after = await get(core, request.id);
    return after ? { kind: "already", request: after } : { kind: "not-found" };
  }
  if (result.failed.has("seat")) return "seat-taken";
  throw new Error(`unexpected transaction failure for ${request.id}: ${[...result.failed].join(",")}`);
}

export type WithdrawOutcome = { kind: "withdrawn"; request: JoinRequest } | { kind: "nothing" };

/** The applicant withdraws their open (pending or waitlisted) request. */
export async function withdraw(core: Core, community: Community, userId: string): Promise<WithdrawOutcome> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const s = await standing(core, community.id, userId);
    if (!s.activeRequestId) return { kind: "nothing" };
    const request = await get(core, s.activeRequestId);
    if (!request || (request.status !== "pending" && request.status !== "waitlisted"))
      return { kind: "nothing" };
    const at = core.now().toISOString();
    const result = await transact(core.store, [
      transition(core, request, request.status, "withdrawn", { closedAt: at }),
      releaseStanding(core, request),
      ...effectPuts(core, request, [{ kind: "card.update" }], "withdrawn"),
      auditPut(core, {
        requestId: request.id,
        actor: actorOf(request.applicant),
        action: "withdrawn",
        from: request.status,
        to: "withdrawn",
      }),
      statsAdd(core, request, closedDelta("withdrawn")),
    ]);
    if (result.ok) {
      const after = await get(core, request.id);
      if (after) return { kind: "withdrawn", request: after };
    }
  }
  return { kind: "nothing" };
}

/** Expires a pending request that nobody decided in time; the applicant is told. */
export async function expire(core: Core, request: JoinRequest): Promise<boolean> {
  const at = core.now().toISOString();
  const result = await transact(core.store, [
    transition(core, request, "pending", "expired", { closedAt: at }),
    releaseStanding(core, request),
    ...effectPuts(core, request, [{ kind: "notice", notice: "expired" }, { kind: "card.update" }], "expired"),
    auditPut(core, {
      requestId: request.id,
      actor: SYSTEM,
      action: "expired",
      from: "pending",
      to: "expired",
    }),
    statsAdd(core, request, closedDelta("expired")),
  ]);
  return result.ok;
}

/** Reminds moderators once of a request that has waited too long. */
export async function remind(core: Core, request: JoinRequest): Promise<boolean> {
  const at = core.now().toISOString();
  const result = await transact(core.store, [
    {
      label: "request",
      item: {
        Update: {
          TableName: core.store.table,
          Key: keys.request(request.id),
          UpdateExpression: "SET remindedAt = :at",
          ConditionExpression: "#status = :pending AND attribute_not_exists(remindedAt)",
          ExpressionAttributeNames: names("status"),
          ExpressionAttributeValues: { ":at": at, ":pending": "pending" },
        },
      },
    },
    ...effectPuts(core, request, [{ kind: "remind" }], "remind"),
    auditPut(core, { requestId: request.id, actor: SYSTEM, action: "reminded" }),
  ]);
  return result.ok;
}

/** Pending requests, oldest first (for the sweeper). */
export async function* pendingOldestFirst(core: Core, createdBefore: string): AsyncGenerator<JoinRequest> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        IndexName: TABLE.indexes.due.name,
        KeyConditionExpression: `${G1PK} = :p AND ${G1SK} < :before`,
        ExpressionAttributeValues: { ":p": keys.pending, ":before": createdBefore },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) yield joinRequestSchema.parse(item);
    start = page.LastEvaluatedKey;
  } while (start);
}

export interface ApplicantRequest {
  request: JoinRequest;
  waitlistPosition: number | undefined;
}

/** An applicant's requests in one workspace, newest first, with waitlist positions. */
export async function listForApplicant(
  core: Core,
  platform: Community["platform"],
  workspace: string,
  userId: string,
): Promise<ApplicantRequest[]> {
  const page = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      IndexName: TABLE.indexes.applicant.name,
      KeyConditionExpression: `${G2PK} = :a`,
      ExpressionAttributeValues: { ":a": keys.byApplicant(platform, workspace, userId) },
      ScanIndexForward: false,
      Limit: 50,
    }),
  );
  const requests = (page.Items ?? []).map((i) => joinRequestSchema.parse(i));
  return Promise.all(
    requests.map(async (request) => ({
      request,
      waitlistPosition:
        request.status === "waitlisted" ? await Capacity.waitlistPosition(core, request) : undefined,
    })),
  );
}

/** A request's audit trail, oldest first. */
export async function auditTrail(core: Core, requestId: string): Promise<AuditEntry[]> {
  const page = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :audit)",
      ExpressionAttributeValues: { ":pk": keys.request(requestId).pk, ":audit": "AUDIT#" },
      ConsistentRead: true,
    }),
  );
  return (page.Items ?? []).map((i) => auditEntrySchema.parse(i));
}
