import { createHash } from "node:crypto";
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as Capacity from "./capacity.js";
import * as Communities from "./communities.js";
import type { Community } from "./config/schema.js";
import { type Core, names, type TransactItem, transact } from "./context.js";
import type { EffectSpec } from "./effects.js";
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
  TRANSITIONS,
  ticketKey,
} from "./model.js";
import { auditPut, effectPuts } from "./outbox-items.js";
import type { Profile } from "./profile.js";
import { evaluate, failureSummary } from "./rules.js";
import { TABLE } from "./store/table.js";

const DAY_MS = 86_400_000;
const G1PK = TABLE.indexes.due.partitionKey;
const G1SK = TABLE.indexes.due.sortKey;
const G2PK = TABLE.indexes.applicant.partitionKey;
const G2SK = TABLE.indexes.applicant.sortKey;

/** Why an applicant may not apply right now. Adapters phrase it (see `core/messages.ts`). */
export type Refusal =
  | { reason: "pending"; requestId: string }
  | { reason: "waitlisted"; requestId: string }
  | { reason: "member"; since: string }
  | { reason: "cooldown"; until: string }
  | { reason: "blocked" }
  | { reason: "full" };

export interface FieldError {
  /** A question id, or `note`. */
  field: string;
  message: string;
}

export interface SubmitInput {
  community: Community;
  /** Idempotency key: the same submission (Slack view id, Discord interaction id) is recorded once. */
  submissionKey: string;
  applicant: { userId: string; name: string };
  /** Answers by question id. */
  answers: Record<string, string | undefined>;
  note?: string | undefined;
  profile: Profile;
}

export type SubmitOutcome =
  | { kind: "invalid"; errors: FieldError[] }
  | { kind: "refused"; refusal: Refusal }
  | { kind: "recorded"; request: JoinRequest; replay: boolean };

export type DecideOutcome =
  | { kind: "decided"; request: JoinRequest }
  | { kind: "already"; request: JoinRequest }
  | { kind: "full"; request: JoinRequest }
  | { kind: "forbidden" }
  | { kind: "not-found" };

/** The request id for a submission: deterministic, so a retried submission finds its first recording. */
export function requestIdFor(community: Community, submissionKey: string): string {
  const hash = createHash("sha256").update(
    `${community.platform}:${community.workspace}:${community.id}:${submissionKey}`,
  );
  return `r${hash.digest("hex").slice(0, 20)}`;
}

/** Checks the answers against the community's questions: required, lengths. Trims whitespace. */
export function validateAnswers(
  community: Community,
  answers: Record<string, string | undefined>,
  note: string | undefined,
): { errors: FieldError[]; answers: JoinRequest["answers"]; note: string | undefined } {
  const errors: FieldError[] = [];
  const clean: JoinRequest["answers"] = [];
  for (const q of community.questions) {
    const value = (answers[q.id] ?? "").trim();
    if (!value) {
      if (q.required) errors.push({ field: q.id, message: "This answer is required." });
    } else if ([...value].length > q.maxLength) {
      errors.push({ field: q.id, message: `Please keep it under ${q.maxLength} characters.` });
    } else if ([...value].length < q.minLength) {
      errors.push({ field: q.id, message: `Please write at least ${q.minLength} characters.` });
    }
    clean.push({ id: q.id, label: q.label, value });
  }
  const trimmedNote = note?.trim() || undefined;
  if (!trimmedNote && community.note.required) errors.push({ field: "note", message: "A note is required." });
  if (trimmedNote && [...trimmedNote].length > community.note.maxLength) {
    errors.push({
      field: "note",
      message: `Please keep the note under ${community.note.maxLength} characters.`,
    });
  }
  return { errors, answers: clean, note: trimmedNote };
}

/** Reads a request; undefined when there is none. */
export async function get(core: Core, requestId: string): Promise<JoinRequest | undefined> {
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: keys.request(requestId), ConsistentRead: true }),
  );
  return Item ? joinRequestSchema.parse(Item) : undefined;
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
      UpdateExpression: "SET #blocked = :b",
      ExpressionAttributeNames: names("blocked"),
      ExpressionAttributeValues: { ":b": blocked },
    }),
  );
}

/**
 * Whether the applicant may apply now; checked before a form opens (so nobody fills a form in vain)
 * and again, atomically, when the request is recorded.
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
  return (
    refusalFor(core, community, userId, s) ??
    (seats && Capacity.isFull(seats) ? { reason: "full" } : undefined)
  );
}

function refusalFor(
  core: Core,
  community: Community,
  userId: string,
  s: ApplicantStanding,
): Refusal | undefined {
  if (s.blocked || community.blocklist.includes(userId)) return { reason: "blocked" };
  if (s.memberSince) return { reason: "member", since: s.memberSince };
  if (s.activeRequestId) return { reason: "pending", requestId: s.activeRequestId };
  if (s.cooldownUntil && s.cooldownUntil > core.now().toISOString())
    return { reason: "cooldown", until: s.cooldownUntil };
  return undefined;
}

/**
 * Records a join request: validates the answers, checks the applicant's standing, evaluates the
 * rules, decides what happens at once (pending review, automatic approval or waitlist, automatic
 * decline), and writes the request, the standing, the seat, the outbox and the audit entry in
 * one transaction. A retried submission returns the first recording.
 */
export async function submit(core: Core, input: SubmitInput): Promise<SubmitOutcome> {
  const { community } = input;
  const id = requestIdFor(community, input.submissionKey);
  const valid = validateAnswers(community, input.answers, input.note);
  for (let attempt = 0; attempt < 20; attempt++) {
    // Three independent reads, in parallel: a replay, the applicant's standing, the seats.
    const [existing, s, seats] = await Promise.all([
      get(core, id),
      standing(core, community.id, input.applicant.userId),
      Capacity.seats(core, community),
    ]);
    if (existing) return { kind: "recorded", request: existing, replay: true };
    if (valid.errors.length > 0) return { kind: "invalid", errors: valid.errors };
    const refusal = refusalFor(core, community, input.applicant.userId, s);
    if (refusal) {
      if (refusal.reason === "pending" && refusal.requestId === id) {
        // This very submission was recorded between our reads: a replay.
        const first = await get(core, id);
        if (first) return { kind: "recorded", request: first, replay: true };
      }
      if (refusal.reason === "pending") {
        const active = await get(core, refusal.requestId);
        if (active?.status === "waitlisted")
          return { kind: "refused", refusal: { ...refusal, reason: "waitlisted" } };
      }
      return { kind: "refused", refusal };
    }

    const now = core.now();
    const at = now.toISOString();
    const evaluation = evaluate(community, input.profile, now);
    let status: RequestStatus = "pending";
    let reason: string | undefined;
    if (!evaluation.passed && community.onRuleFailure === "deny") {
      status = "denied";
      reason = failureSummary(evaluation);
    } else if (Capacity.isFull(seats) && community.whenFull === "deny") {
      status = "denied";
      reason = "The community is full.";
    } else if (community.autoApprove && evaluation.passed) {
      status = Capacity.isFull(seats) ? "waitlisted" : "approved";
    }
    const ticket = status === "waitlisted" ? await Capacity.nextTicket(core, community) : undefined;

    const request: JoinRequest = {
      id,
      communityId: community.id,
      platform: community.platform,
      workspace: community.workspace,
      applicant: input.applicant,
      answers: valid.answers,
      ...(valid.note ? { note: valid.note } : {}),
      profile: input.profile,
      evaluation,
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
    const index =
      status === "pending"
        ? { [G1PK]: keys.pending, [G1SK]: `${at}#${id}` }
        : ticket !== undefined
          ? { [G1PK]: keys.waitlist(community.id), [G1SK]: ticketKey(ticket) }
          : {};

    const items: TransactItem[] = [
      {
        Put: {
          TableName: core.store.table,
          Item: {
            ...keys.request(id),
            type: "request",
            ...request,
            ...index,
            [G2PK]: keys.byApplicant(community.platform, community.workspace, input.applicant.userId),
            [G2SK]: `${at}#${id}`,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      standingGuard(core, community, input.applicant.userId, id, status, at),
    ];
    const seatIndex = status === "approved" ? items.push(Capacity.takeSeat(core, community, seats)) - 1 : -1;
    const effects: EffectSpec[] = [{ kind: "card.post" }];
    if (status === "approved") effects.push({ kind: "grant" }, { kind: "notice", notice: "approved" });
    if (status === "waitlisted") effects.push({ kind: "notice", notice: "waitlisted" });
    if (status === "denied") effects.push({ kind: "notice", notice: "denied" });
    items.push(...effectPuts(core, request, effects, status));
    items.push(
      auditPut(core, { requestId: id, actor: actorOf(input.applicant), action: "submitted", to: "pending" }),
    );
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

    const result = await transact(core, items);
    if (result.ok) {
      core.log.info("request recorded", { requestId: id, community: community.id, status });
      return { kind: "recorded", request, replay: false };
    }
    if (result.reasons[0] === "ConditionalCheckFailed") {
      const first = await get(core, id);
      if (first) return { kind: "recorded", request: first, replay: true };
    }
    // The standing changed under us, or the last seat went: look again.
    if (seatIndex >= 0 && result.reasons[seatIndex] === "ConditionalCheckFailed") continue;
  }
  throw new Error(`could not record request ${id}: too much contention`);
}

/** The applicant's standing, guarded: no open request, not a member, not blocked, not cooling down. */
function standingGuard(
  core: Core,
  community: Community,
  userId: string,
  requestId: string,
  status: RequestStatus,
  at: string,
): TransactItem {
  const set = ["lastRequestId = :id"];
  if (status === "pending" || status === "waitlisted") set.push("activeRequestId = :id");
  if (status === "approved") set.push("memberSince = :at, membershipRequestId = :id");
  return {
    Update: {
      TableName: core.store.table,
      Key: keys.applicant(community.id, userId),
      UpdateExpression: `SET ${set.join(", ")}`,
      ConditionExpression:
        "attribute_not_exists(activeRequestId) AND attribute_not_exists(memberSince) AND " +
        "(attribute_not_exists(blocked) OR blocked = :false) AND " +
        "(attribute_not_exists(cooldownUntil) OR cooldownUntil <= :at)",
      ExpressionAttributeValues: {
        ":id": requestId,
        ":false": false,
        ":at": at,
      },
    },
  };
}

function actorOf(applicant: { userId: string; name: string }): Actor {
  return { kind: "user", id: applicant.userId, name: applicant.name };
}

export interface DecideInput {
  requestId: string;
  moderator: Actor;
  /** Discord role ids of the moderator in the guild, for `moderators.roles`. */
  moderatorRoles?: readonly string[] | undefined;
  outcome: "approve" | "deny";
  reason?: string | undefined;
}

/**
 * A moderator's decision. Exactly one decision wins however many arrive at once: the request's
 * status is the condition of the transaction that records it, its seat, its effects and its audit entry.
 */
export async function decide(core: Core, input: DecideInput): Promise<DecideOutcome> {
  const request = await get(core, input.requestId);
  if (!request) return { kind: "not-found" };
  const community = Communities.find(core, request.communityId);
  if (!community) return { kind: "not-found" };
  if (!Communities.isModerator(community, input.moderator.id, input.moderatorRoles ?? []))
    return { kind: "forbidden" };
  if (request.status !== "pending") return { kind: "already", request };

  const reason = input.reason?.trim().slice(0, 1000) || undefined;
  if (input.outcome === "deny") {
    const at = core.now().toISOString();
    const cooldownUntil =
      community.cooldownDays > 0
        ? new Date(core.now().getTime() + community.cooldownDays * DAY_MS).toISOString()
        : undefined;
    const decision = { outcome: "denied" as const, by: input.moderator, at, ...(reason ? { reason } : {}) };
    const outcome = await finish(core, request, "denied", [
      transition(core, request, "pending", "denied", { decision, closedAt: at }),
      releaseStanding(core, request, cooldownUntil ? { cooldownUntil } : {}),
      ...effectPuts(core, request, [{ kind: "notice", notice: "denied" }, { kind: "card.update" }], "denied"),
      auditPut(core, {
        requestId: request.id,
        actor: input.moderator,
        action: "denied",
        from: "pending",
        to: "denied",
        ...(reason ? { reason } : {}),
      }),
    ]);
    if (outcome === "seat-taken") throw new Error(`inconsistent standing for request ${request.id}`);
    return outcome;
  }

  for (let attempt = 0; attempt < 20; attempt++) {
    const seats = await Capacity.seats(core, community);
    const at = core.now().toISOString();
    const decision = { outcome: "approved" as const, by: input.moderator, at, ...(reason ? { reason } : {}) };
    if (!Capacity.isFull(seats)) {
      const outcome = await finish(core, request, "approved", [
        transition(core, request, "pending", "approved", { decision, admittedAt: at }),
        Capacity.takeSeat(core, community, seats),
        admitStanding(core, request, at),
        ...effectPuts(
          core,
          request,
          [{ kind: "grant" }, { kind: "notice", notice: "approved" }, { kind: "card.update" }],
          "approved",
        ),
        auditPut(core, {
          requestId: request.id,
          actor: input.moderator,
          action: "approved",
          from: "pending",
          to: "approved",
          ...(reason ? { reason } : {}),
        }),
      ]);
      if (outcome !== "seat-taken") return outcome;
      continue; // the last seat went to someone else: look again
    }
    if (community.whenFull === "deny") return { kind: "full", request };
    const ticket = await Capacity.nextTicket(core, community);
    const outcome = await finish(core, request, "waitlisted", [
      transition(core, request, "pending", "waitlisted", {
        decision,
        waitlist: { ticket, since: at },
        index: { pk: keys.waitlist(community.id), sk: ticketKey(ticket) },
      }),
      ...effectPuts(
        core,
        request,
        [{ kind: "notice", notice: "waitlisted" }, { kind: "card.update" }],
        "waitlisted",
      ),
      auditPut(core, {
        requestId: request.id,
        actor: input.moderator,
        action: "waitlisted",
        from: "pending",
        to: "waitlisted",
      }),
    ]);
    if (outcome !== "seat-taken") return outcome;
  }
  throw new Error(`could not decide ${request.id}: too much contention`);
}

async function finish(
  core: Core,
  request: JoinRequest,
  to: RequestStatus,
  items: TransactItem[],
): Promise<DecideOutcome | "seat-taken"> {
  const result = await transact(core, items);
  if (result.ok) {
    const after = await get(core, request.id);
    core.log.info("request decided", { requestId: request.id, status: to });
    return after ? { kind: "decided", request: after } : { kind: "not-found" };
  }
  if (result.reasons[0] === "ConditionalCheckFailed") {
    const after = await get(core, request.id);
    return after ? { kind: "already", request: after } : { kind: "not-found" };
  }
  if (result.reasons.includes("ConditionalCheckFailed")) return "seat-taken";
  throw new Error(`unexpected transaction failure for ${request.id}: ${result.reasons.join(",")}`);
}

interface TransitionFields {
  decision?: JoinRequest["decision"];
  waitlist?: JoinRequest["waitlist"];
  admittedAt?: string;
  closedAt?: string;
  remindedAt?: string;
  /** New gsi1 placement; absent: the request leaves gsi1 (no longer due for anything). */
  index?: { pk: string; sk: string };
}

/** The request's own update, conditional on the status it is leaving. */
export function transition(
  core: Core,
  request: JoinRequest,
  from: RequestStatus,
  to: RequestStatus,
  fields: TransitionFields,
): TransactItem {
  if (!TRANSITIONS[from].includes(to))
    throw new Error(`illegal transition ${from} → ${to} for ${request.id}`);
  const { index, ...rest } = fields;
  const values: Record<string, unknown> = {
    ":from": from,
    ":to": to,
    ":now": core.now().toISOString(),
    ":one": 1,
  };
  const set = ["#status = :to", "updatedAt = :now"];
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined) continue;
    set.push(`#${k} = :${k}`);
    values[`:${k}`] = v;
  }
  if (index) {
    set.push(`${G1PK} = :g1pk`, `${G1SK} = :g1sk`);
    values[":g1pk"] = index.pk;
    values[":g1sk"] = index.sk;
  }
  return {
    Update: {
      TableName: core.store.table,
      Key: keys.request(request.id),
      UpdateExpression: `SET ${set.join(", ")} ADD #version :one${index ? "" : ` REMOVE ${G1PK}, ${G1SK}`}`,
      ConditionExpression: "#status = :from",
      ExpressionAttributeNames: names(
        "status",
        "version",
        ...Object.keys(rest).filter((k) => rest[k as keyof typeof rest] !== undefined),
      ),
      ExpressionAttributeValues: values,
    },
  };
}

/** The applicant's open request ends (denied, withdrawn, expired); optionally a cooldown starts. */
function releaseStanding(core: Core, request: JoinRequest, extra: { cooldownUntil?: string }): TransactItem {
  return {
    Update: {
      TableName: core.store.table,
      Key: keys.applicant(request.communityId, request.applicant.userId),
      UpdateExpression: extra.cooldownUntil
        ? "SET cooldownUntil = :c REMOVE activeRequestId"
        : "REMOVE activeRequestId",
      ConditionExpression: "activeRequestId = :id",
      ExpressionAttributeValues: {
        ":id": request.id,
        ...(extra.cooldownUntil ? { ":c": extra.cooldownUntil } : {}),
      },
    },
  };
}

/** The applicant becomes a member: the open request ends and the membership is recorded. */
export function admitStanding(core: Core, request: JoinRequest, at: string): TransactItem {
  return {
    Update: {
      TableName: core.store.table,
      Key: keys.applicant(request.communityId, request.applicant.userId),
      UpdateExpression: "SET memberSince = :at, membershipRequestId = :id REMOVE activeRequestId",
      ConditionExpression: "activeRequestId = :id",
      ExpressionAttributeValues: { ":id": request.id, ":at": at },
    },
  };
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
    const result = await transact(core, [
      transition(core, request, request.status, "withdrawn", { closedAt: at }),
      releaseStanding(core, request, {}),
      ...effectPuts(core, request, [{ kind: "card.update" }], "withdrawn"),
      auditPut(core, {
        requestId: request.id,
        actor: actorOf(request.applicant),
        action: "withdrawn",
        from: request.status,
        to: "withdrawn",
      }),
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
  const result = await transact(core, [
    transition(core, request, "pending", "expired", { closedAt: at }),
    releaseStanding(core, request, {}),
    ...effectPuts(core, request, [{ kind: "notice", notice: "expired" }, { kind: "card.update" }], "expired"),
    auditPut(core, {
      requestId: request.id,
      actor: SYSTEM,
      action: "expired",
      from: "pending",
      to: "expired",
    }),
  ]);
  return result.ok;
}

/** Reminds moderators once of a request that has waited too long. */
export async function remind(core: Core, request: JoinRequest): Promise<boolean> {
  const at = core.now().toISOString();
  const result = await transact(core, [
    {
      Update: {
        TableName: core.store.table,
        Key: keys.request(request.id),
        UpdateExpression: "SET remindedAt = :at",
        ConditionExpression: "#status = :pending AND attribute_not_exists(remindedAt)",
        ExpressionAttributeNames: names("status"),
        ExpressionAttributeValues: { ":at": at, ":pending": "pending" },
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
