import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import * as Capacity from "./capacity.js";
import * as Communities from "./communities.js";
import { type Core, outboxTime } from "./context.js";
import { METRIC } from "./deployment.js";
import {
  CALL_TIMEOUT_MS,
  type EffectContext,
  type EffectKind,
  type EffectSpec,
  type EffectState,
  effectSpecSchema,
  isTask,
  PermanentEffectError,
  type PlatformEffects,
  RetryableEffectError,
} from "./effects.js";
import * as Messages from "./messages.js";
import { type JoinRequest, keys, type MessageRef, type RequestStatus } from "./model.js";
import { type Platform, platformSchema } from "./platform.js";
import * as Requests from "./requests.js";
import { effectKey, effectPuts } from "./store/items.js";
import { TABLE } from "./store/table.js";
import { type Labelled, names, sleep, transact } from "./store/transact.js";
import * as Tasks from "./tasks.js";

/**
 * The outbox: side effects recorded with the state change that caused them, performed after
 * the interaction was answered. The table's stream delivers each new entry to `run`; the
 * sweeper re-drives whatever is due (retries, and anything the stream missed).
 *
 * Exactly once, at the edges:
 * - Each entry is claimed with a conditional write (a lease on the outbox's clock, which
 *   `sweep --now` never moves), so concurrent deliveries perform it once. A delivery that loses
 *   its lease stops; a settle that fails never re-runs the effect (the entry stays `running`, its
 *   lease lapses, and the next claim finds what was recorded).
 * - What a delivery performed is recorded before it settles (the card's place on the request,
 *   `performedAt` on the entry), so a re-run does not repeat it.
 * - A call whose outcome is unknown (timeout, dropped connection, 5xx after sending, a delivery
 *   that died mid-call) is looked for before it is sent again: every message carries the entry's
 *   key (Slack metadata, found with `conversations.history`; Discord `nonce` with
 *   `enforce_nonce`), and the next attempt gets `unknownSince`.
 * - Every delivery has a deadline (the function's time limit, and the lease): no call starts that
 *   could outlast it; what does not fit goes back to the table for the sweeper.
 *
 * Nothing dropped: an entry is retried with backoff capped at an hour for as long as its request
 * is open. Rate limits, lack of time and waiting for another entry are not failures. After
 * `STUCK_AFTER` failures the entry is stuck: logged (`stuck: true`, for the alarm), moderators are
 * told once in the review channel, and `gatekeeper outbox list|retry` show and re-drive it.
 * Permanent failures of notices and grants (DMs closed, role above the bot) end `failed` and show
 * on the card. Only entries of requests that no longer hold anything (see `mattersForever`) stop,
 * a week after they were created (`dead`, kept in the DEADLETTER index).
 */
export const LEASE_MS = 60_000;
/** Counted failures after which an entry is stuck: logged for the alarm, moderators told once. */
export const STUCK_AFTER = 5;
const BASE_BACKOFF_MS = 30_000;
/** Retries of a failing entry never wait longer than this. */
export const MAX_BACKOFF_MS = 3_600_000;
/** How long entries of requests that no longer hold anything keep trying. */
export const GIVE_UP_AFTER_MS = 7 * 86_400_000;
/**
 * After an unknown outcome the next attempt comes within a minute, while Discord still matches
 * the nonce (it does for "a few minutes").
 */
const UNKNOWN_RETRY_MS = 60_000;
/**
 * Retries inside one delivery for short waits (429 with a small Retry-After, a 5xx blip). Longer
 * waits go back to the table for the sweeper.
 */
const INLINE_RETRIES = 3;
const INLINE_MAX_WAIT_MS = 2_000;
/** Time kept after a delivery's last call for its writes (what was performed, the settle). */
const WRITE_MARGIN_MS = 2_000;
/** A delivery starts only with this much time left: one call and the writes after it. */
export const ENTRY_MIN_MS = CALL_TIMEOUT_MS + WRITE_MARGIN_MS;
/** A delivery's calls end this long before its lease lapses. */
const LEASE_MARGIN_MS = 5_000;

const G1PK = TABLE.indexes.due.partitionKey;
const G1SK = TABLE.indexes.due.sortKey;

export const effectItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  type: z.literal("effect"),
  name: z.string(),
  spec: effectSpecSchema,
  requestId: z.string(),
  communityId: z.string(),
  platform: platformSchema,
  status: z.enum(["pending", "running", "retry", "done", "failed", "dead"]),
  /** Claims: the lease's fence. */
  attempts: z.number().int(),
  /** Deliveries that failed (rate limits, lack of time and waiting are not failures). */
  failures: z.number().int().default(0),
  createdAt: z.string(),
  dueAt: z.string(),
  leaseUntil: z.string().optional(),
  /** Wall clock: the first claim since the entry last settled (a delivery that never settled started then). */
  claimedAt: z.string().optional(),
  /** Wall clock: the first attempt whose outcome is unknown (see `EffectContext.unknownSince`). */
  unknownSince: z.string().optional(),
  /** A delivery performed the effect (and could not settle): the next claim only settles it. */
  performedAt: z.string().optional(),
  /** When the entry became stuck (and moderators were told). */
  stuckAt: z.string().optional(),
  /** Settled without being performed, because it no longer applied: why. */
  skipped: z.string().optional(),
  lastError: z.string().optional(),
  doneAt: z.string().optional(),
});
export type EffectItem = z.infer<typeof effectItemSchema>;

export type Performers = Partial<Record<Platform, PlatformEffects>>;

/**
 * - `skipped`: not claimed (another delivery holds it, or it is settled);
 * - `deferred`: not started, for lack of time before the deadline (left due for the sweeper);
 * - `stopped`: the delivery lost its lease or could not record what it did; the entry stays
 *   `running` until its lease lapses, and the next claim finds what was recorded.
 */
export type RunResult = "done" | "skipped" | "retry" | "failed" | "dead" | "deferred" | "stopped";

export const emptyCounts = (): Record<RunResult, number> => ({
  done: 0,
  skipped: 0,
  retry: 0,
  failed: 0,
  dead: 0,
  deferred: 0,
  stopped: 0,
});

export interface RunOptions {
  /** Wall-clock ms (`Date.now()`) by which the delivery must be over: no call starts that could outlast it. */
  deadline?: number;
}

/** Whether a stream image is a fresh outbox entry the worker should run. */
export function isRunnable(image: Record<string, unknown> | undefined): image is EffectItem {
  return effectItemSchema.safeParse(image).success && (image as EffectItem).status === "pending";
}

/** The entry's platform call failed in a way that says nothing about whether it was performed. */
function unknownOutcome(error: unknown): boolean {
  if (error instanceof PermanentEffectError) return false;
  if (error instanceof RetryableEffectError) return error.reason === "unknown-outcome";
  return true; // unclassified: assume it may have happened
}

/** A delivery that could not record what it performed (or lost its lease): it must stop. */
class NotRecorded extends Error {
  override name = "NotRecorded";
}

/** Claims, performs and settles one outbox entry. Safe to call for an entry that is done or taken. */
export async function run(
  core: Core,
  performers: Performers,
  key: { requestId: string; name: string },
  opts: RunOptions = {},
): Promise<RunResult> {
  const deadline = opts.deadline ?? Number.POSITIVE_INFINITY;
  if (Date.now() + ENTRY_MIN_MS > deadline) {
    await defer(core, key);
    return "deferred";
  }
  const claimed = await claim(core, key);
  if (!claimed) return "skipped";
  const { effect, previous } = claimed;
  const fields = { effect: effect.name, requestId: effect.requestId };
  if (effect.performedAt) {
    core.log.info("effect was performed by a delivery that did not settle; settling it", fields);
    return finish(core, effect, { status: "done" });
  }
  let unknownSince = effect.unknownSince;
  if (previous.status === "running") {
    // The last delivery never settled (it died, timed out or lost its lease): it may have performed.
    unknownSince = earliest(unknownSince, previous.claimedAt ?? previous.createdAt);
    core.log.warn("effect taken over from a delivery that did not finish", { ...fields, unknownSince });
  }
  const base = {
    key: effectKey(effect.requestId, effect.name),
    deadline: Math.min(deadline, Date.now() + LEASE_MS - LEASE_MARGIN_MS) - WRITE_MARGIN_MS,
  };
  const performer = performers[effect.platform];
  let lastError: unknown;
  for (let inline = 0; inline < INLINE_RETRIES; inline++) {
    const startedAt = new Date().toISOString();
    try {
      if (!performer) throw new RetryableEffectError(`${effect.platform} is not configured`);
      const ctx: EffectContext = { ...base, ...(unknownSince ? { unknownSince } : {}) };
      const performed = await perform(core, performer, effect, ctx);
      return finish(core, effect, { status: "done", ...performed });
    } catch (error) {
      if (error instanceof NotRecorded) {
        core.log.warn("effect performed but not recorded; stopping (the next claim looks for it)", {
          ...fields,
          error: error.message,
        });
        return "stopped";
      }
      lastError = error;
      if (unknownOutcome(error)) unknownSince ??= startedAt;
      if (error instanceof PermanentEffectError) break;
      const wait = waitFor(error, inline);
      if (wait === undefined || wait > INLINE_MAX_WAIT_MS || inline === INLINE_RETRIES - 1) break;
      if (Date.now() + wait + CALL_TIMEOUT_MS > base.deadline) break;
      core.log.warn("effect failed, retrying", { ...fields, wait, error });
      await sleep(wait);
    }
  }
  return fail(core, effect, lastError, unknownSince);
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

/** The effect's work, if it still applies. What it performed is recorded before it returns. */
async function perform(
  core: Core,
  performer: PlatformEffects,
  effect: EffectItem,
  ctx: EffectContext,
): Promise<{ skipped?: string }> {
  const spec = effect.spec;
  if (isTask(spec)) {
    // Work that belongs to no single request (core/tasks.ts): no request state to load.
    const skipped = await Tasks.perform(
      core,
      performer,
      { taskId: effect.requestId, communityId: effect.communityId, spec },
      ctx,
    );
    if (skipped) return { skipped };
    // A posted digest is a message: recorded, so a delivery that cannot settle never posts it twice.
    if (spec.kind === "digest.post") await markPerformed(core, effect);
    return {};
  }
  const state = await loadState(core, effect.requestId, SHOWS_SEATS.includes(spec.kind));
  const obsolete = await whyObsolete(core, spec, state);
  if (obsolete) {
    core.log.info("effect skipped: it no longer applies", {
      effect: effect.name,
      requestId: effect.requestId,
      reason: obsolete,
    });
    return { skipped: obsolete };
  }
  switch (spec.kind) {
    case "card.post": {
      if (state.request.card) return {}; // posted by an earlier delivery: the card's place is its record
      const card = await performer.postCard(state, ctx);
      await recorded(
        core.store.doc.send(
          new UpdateCommand({
            TableName: core.store.table,
            Key: keys.request(effect.requestId),
            UpdateExpression: "SET card = if_not_exists(card, :card)",
            ExpressionAttributeValues: { ":card": card },
          }),
        ),
      );
      return {};
    }
    case "card.update":
      if (!state.request.card) throw new RetryableEffectError("the card is not posted yet", 1_000, "waiting");
      await performer.updateCard(state, state.request.card, ctx);
      return {};
    case "notice":
      await performer.notify(state, spec.notice, ctx);
      await markPerformed(core, effect);
      return {};
    case "grant":
      await performer.grant(state, ctx); // idempotent: already-granted is fine
      return {};
    case "revoke":
      await performer.revoke(state, ctx); // idempotent: already-gone is fine
      return {};
    case "remind":
      await performer.remind(state, ctx);
      await markPerformed(core, effect);
      return {};
    case "stuck": {
      const target = await getEntry(core, effect.requestId, spec.effect);
      if (!target || target.status === "done") return { skipped: "the stuck delivery succeeded since" };
      const text = Messages.stuck(
        state.community,
        state.request.applicant.name,
        Messages.activity(target.spec),
        spec.why,
      );
      await performer.alert(state, text, ctx);
      await markPerformed(core, effect);
      return {};
    }
    case "question.dm":
      await performer.askApplicant(state, spec.round, ctx);
      await markPerformed(core, effect);
      return {};
    case "thread.post": {
      const card = state.request.card;
      if (!card) throw new RetryableEffectError("the card is not posted yet", 1_000, "waiting");
      const thread = state.request.thread ?? (await openThread(core, performer, state, card, ctx));
      await performer.postInThread(state, thread, { round: spec.round, part: spec.part }, ctx);
      await markPerformed(core, effect);
      return {};
    }
  }
}

/** The request status a notice speaks of: a notice applies only while the request is in it. */
const NOTICE_STATUS: Record<Extract<EffectSpec, { kind: "notice" }>["notice"], RequestStatus> = {
  approved: "approved",
  admitted: "approved",
  waitlisted: "waitlisted",
  denied: "denied",
  expired: "expired",
};

/**
 * Why an effect no longer applies, read from the request as it is now; undefined when it does.
 * A late "you're on the waitlist" after "you're in", a reminder of a decided request, or a grant
 * to someone who gave up their seat must not go out.
 */
async function whyObsolete(core: Core, spec: EffectSpec, state: EffectState): Promise<string | undefined> {
  const { request } = state;
  switch (spec.kind) {
    case "notice": {
      const expected = NOTICE_STATUS[spec.notice];
      return request.status === expected
        ? undefined
        : `the request is ${request.status} now, no longer ${expected}`;
    }
    case "remind":
    case "question.dm":
      return request.status === "pending" ? undefined : `the request is ${request.status} now`;
    case "grant": {
      if (request.status !== "approved") return `the request is ${request.status} now`;
      return (await holdsSeat(core, request))
        ? undefined
        : "the applicant no longer holds the seat this request was approved for";
    }
    default:
      return undefined;
  }
}

/** Whether the applicant still holds the seat this (approved) request gave them. */
async function holdsSeat(core: Core, request: JoinRequest): Promise<boolean> {
  const standing = await Requests.standing(core, request.communityId, request.applicant.userId);
  return standing.memberSince !== undefined && (standing.membershipRequestId ?? request.id) === request.id;
}

/** Awaits a write that records what was performed; a failure stops the delivery (never a re-run). */
async function recorded(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    throw new NotRecorded(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}

/** Records on the entry that its effect was performed, fenced on this delivery's claim. */
async function markPerformed(core: Core, effect: EffectItem): Promise<void> {
  await recorded(
    core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.effect(effect.requestId, effect.name),
        UpdateExpression: "SET performedAt = :now",
        ConditionExpression: "#status = :running AND attempts = :attempts",
        ExpressionAttributeNames: names("status"),
        ExpressionAttributeValues: {
          ":now": new Date().toISOString(),
          ":running": "running",
          ":attempts": effect.attempts,
        },
      }),
    ),
  );
}

/** Opens the interview's thread under the card once, and remembers where it is. */
async function openThread(
  core: Core,
  performer: PlatformEffects,
  state: EffectState,
  card: MessageRef,
  ctx: EffectContext,
): Promise<MessageRef> {
  const thread = await performer.openThread(state, card, ctx);
  await recorded(
    core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.request(state.request.id),
        UpdateExpression: "SET thread = if_not_exists(thread, :thread)",
        ExpressionAttributeValues: { ":thread": thread },
      }),
    ),
  );
  return thread;
}

/** The request, its community, seats and waitlist position, as they are now. */
/** The entries whose message shows the community's seats (the card): the others do not read them. */
const SHOWS_SEATS: readonly EffectSpec["kind"][] = ["card.post", "card.update"];

export async function loadState(core: Core, requestId: string, withSeats = true): Promise<EffectState> {
  const request = await Requests.get(core, requestId);
  if (!request) throw new PermanentEffectError(`request ${requestId} not found`, "the request is gone");
  const community = Communities.find(core, request.communityId);
  if (!community) {
    throw new PermanentEffectError(
      `community ${request.communityId} is not configured`,
      "the community is gone",
    );
  }
  const [seats, waitlistPosition] = await Promise.all([
    withSeats ? Capacity.seats(core, community) : undefined,
    Capacity.waitlistPosition(core, request),
  ]);
  return { request, community, seats, waitlistPosition };
}

function waitFor(error: unknown, inline: number): number | undefined {
  if (error instanceof RetryableEffectError) {
    if (error.reason === "out-of-time") return undefined;
    if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  }
  return 250 * 2 ** inline;
}

async function claim(
  core: Core,
  key: { requestId: string; name: string },
): Promise<{ effect: EffectItem; previous: EffectItem } | undefined> {
  const now = outboxTime(core);
  const lease = new Date(now.getTime() + LEASE_MS).toISOString();
  const claimedAt = new Date().toISOString();
  try {
    const { Attributes } = await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.effect(key.requestId, key.name),
        UpdateExpression:
          `SET #status = :running, leaseUntil = :lease, claimedAt = if_not_exists(claimedAt, :claimedAt), ` +
          `${G1SK} = :g1sk ADD attempts :one`,
        ConditionExpression:
          "#status = :pending OR (#status = :retry AND dueAt <= :now) OR (#status = :running AND leaseUntil <= :now)",
        ExpressionAttributeNames: names("status"),
        ExpressionAttributeValues: {
          ":running": "running",
          ":pending": "pending",
          ":retry": "retry",
          ":now": now.toISOString(),
          ":lease": lease,
          ":claimedAt": claimedAt,
          ":one": 1,
          ":g1sk": `${lease}#${key.requestId}#${key.name}`,
        },
        ReturnValues: "ALL_OLD",
      }),
    );
    const previous = effectItemSchema.parse(Attributes);
    const effect: EffectItem = {
      ...previous,
      status: "running",
      leaseUntil: lease,
      claimedAt: previous.claimedAt ?? claimedAt,
      attempts: previous.attempts + 1,
    };
    return { effect, previous };
  } catch (error) {
    if (error instanceof Error && error.name === "ConditionalCheckFailedException") return undefined;
    throw error;
  }
}

/** Leaves an unclaimed entry due now, for the sweeper (the delivery had no time for it). */
async function defer(core: Core, key: { requestId: string; name: string }): Promise<void> {
  const now = outboxTime(core).toISOString();
  try {
    await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.effect(key.requestId, key.name),
        UpdateExpression: `SET dueAt = :now, ${G1SK} = :g1sk`,
        ConditionExpression: "#status = :pending AND dueAt > :now",
        ExpressionAttributeNames: names("status"),
        ExpressionAttributeValues: {
          ":pending": "pending",
          ":now": now,
          ":g1sk": `${now}#${key.requestId}#${key.name}`,
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === "ConditionalCheckFailedException")) throw error;
  }
}

type Outcome =
  | { status: "done"; skipped?: string }
  | {
      status: "retry";
      dueAt: string;
      error: string;
      failures: number;
      unknownSince: string | undefined;
      /** Becomes stuck now: moderators are told, once (unless this is the telling itself). */
      stuck?: { why: string };
    }
  | { status: "failed"; error: string }
  | { status: "dead"; error: string; failures: number };

/** Settles the entry; a settle that fails never re-runs the effect (the next claim finds the entry). */
async function finish(core: Core, effect: EffectItem, outcome: Outcome): Promise<RunResult> {
  try {
    await settle(core, effect, outcome);
    if (outcome.status === "done") core.metrics?.count(METRIC.effectsPerformed);
    if (outcome.status === "failed") core.metrics?.count(METRIC.effectsFailed);
    if (outcome.status === "dead") core.metrics?.count(METRIC.effectsStuck);
    return outcome.status;
  } catch (error) {
    const lost = error instanceof Error && /ConditionalCheckFailed|TransactionCanceled/.test(error.name);
    core.log.warn(
      lost
        ? "effect not settled: the delivery lost its lease"
        : "effect not settled; its lease will lapse and the next claim finds it",
      { effect: effect.name, requestId: effect.requestId, outcome: outcome.status, error },
    );
    return "stopped";
  }
}

async function settle(core: Core, effect: EffectItem, outcome: Outcome): Promise<void> {
  const now = outboxTime(core).toISOString();
  const values: Record<string, unknown> = {
    ":s": outcome.status,
    ":running": "running",
    ":attempts": effect.attempts,
  };
  let update: string;
  switch (outcome.status) {
    case "done":
      update = `SET #status = :s, doneAt = :now${outcome.skipped ? ", skipped = :skipped" : ""} REMOVE ${G1PK}, ${G1SK}, leaseUntil, claimedAt`;
      values[":now"] = now;
      if (outcome.skipped) values[":skipped"] = outcome.skipped;
      break;
    case "retry": {
      const set = [
        "#status = :s",
        "dueAt = :due",
        "lastError = :e",
        "failures = :failures",
        `${G1SK} = :g1sk`,
      ];
      if (outcome.unknownSince) set.push("unknownSince = :unknown");
      if (outcome.stuck) set.push("stuckAt = :now");
      update = `SET ${set.join(", ")} REMOVE leaseUntil, claimedAt`;
      Object.assign(values, {
        ":due": outcome.dueAt,
        ":e": outcome.error,
        ":failures": outcome.failures,
        ":g1sk": `${outcome.dueAt}#${effect.requestId}#${effect.name}`,
        ...(outcome.unknownSince ? { ":unknown": outcome.unknownSince } : {}),
        ...(outcome.stuck ? { ":now": now } : {}),
      });
      break;
    }
    case "failed": // leaves the due index
      update = `SET #status = :s, lastError = :e, doneAt = :now REMOVE ${G1PK}, ${G1SK}, leaseUntil, claimedAt`;
      Object.assign(values, { ":e": outcome.error, ":now": now });
      break;
    case "dead": // moves to the dead-letter partition
      update = `SET #status = :s, lastError = :e, doneAt = :now, failures = :failures, ${G1PK} = :g1pk REMOVE leaseUntil, claimedAt`;
      Object.assign(values, {
        ":e": outcome.error,
        ":now": now,
        ":failures": outcome.failures,
        ":g1pk": keys.deadLetter,
      });
      break;
  }
  // Fenced on our claim: a late settle after the lease was taken over changes nothing.
  const write = {
    TableName: core.store.table,
    Key: keys.effect(effect.requestId, effect.name),
    UpdateExpression: update,
    ConditionExpression: "#status = :running AND attempts = :attempts",
    ExpressionAttributeNames: names("status"),
    ExpressionAttributeValues: values,
  };
  const item: Labelled = { label: "entry", item: { Update: write } };
  if (outcome.status === "retry" && outcome.stuck && effect.spec.kind !== "stuck" && !isTask(effect.spec)) {
    // Stuck: the moderators are told once (the notice's name is unique per stuck entry). A task
    // (core/tasks.ts) has no request to speak of: its stuck line is logged for the alarm and
    // `gatekeeper outbox list` shows it.
    const notice = effectPuts(
      core,
      { id: effect.requestId, communityId: effect.communityId, platform: effect.platform },
      [{ kind: "stuck", effect: effect.name, why: outcome.stuck.why }],
      "stuck",
    );
    const result = await transact(core.store, [item, ...notice]);
    if (result.ok) return;
    if (result.failed.has("entry")) {
      const error = new Error("lease lost");
      error.name = "ConditionalCheckFailedException";
      throw error;
    }
    // The notice exists already (told before): settle without it.
  }
  await core.store.doc.send(new UpdateCommand(write));
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function fail(
  core: Core,
  effect: EffectItem,
  error: unknown,
  unknownSince: string | undefined,
): Promise<RunResult> {
  const message = errorText(error);
  const fields = { effect: effect.name, requestId: effect.requestId, community: effect.communityId };
  const now = outboxTime(core);
  const later = (ms: number) => new Date(now.getTime() + ms).toISOString();

  // Not failures: the platform asked to wait (rate limit), the delivery ran out of time, or the
  // entry waits for another (the card). Retried when due, never counted.
  if (
    error instanceof RetryableEffectError &&
    (error.reason === "rate-limited" || error.reason === "out-of-time" || error.reason === "waiting")
  ) {
    const wait =
      error.reason === "out-of-time"
        ? 0
        : Math.max(error.retryAfterMs ?? 0, error.reason === "waiting" ? BASE_BACKOFF_MS : 1_000);
    const what = {
      "rate-limited": "effect rate limited",
      "out-of-time": "effect left for the sweeper",
      waiting: "effect waits for another",
    }[error.reason];
    core.log.info(what, {
      ...fields,
      dueAt: later(wait),
      error: message,
    });
    return finish(core, effect, {
      status: "retry",
      dueAt: later(wait),
      error: message,
      failures: effect.failures,
      unknownSince,
    });
  }

  const isCard = effect.spec.kind === "card.post" || effect.spec.kind === "card.update";
  if (error instanceof PermanentEffectError && !isCard) {
    core.log.warn("effect failed permanently", { ...fields, error: message });
    const result = await finish(core, effect, { status: "failed", error: message });
    if (result === "failed") await reportIssue(core, effect, error.issue);
    return result;
  }

  // A failure. A card that cannot be posted or updated for good (the bot was removed from the
  // review channel…) cannot show its own problem and needs a person: it is stuck at once.
  const failures =
    error instanceof PermanentEffectError ? Math.max(effect.failures + 1, STUCK_AFTER) : effect.failures + 1;
  if (await givesUp(core, effect, now)) {
    core.log.error("effect given up", { ...fields, failures, error: message });
    return finish(core, effect, { status: "dead", error: message, failures });
  }
  const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(failures - 1, 20));
  const wait = Math.max(
    unknownSince ? Math.min(backoff, UNKNOWN_RETRY_MS) : backoff,
    error instanceof RetryableEffectError ? (error.retryAfterMs ?? 0) : 0,
  );
  const becomesStuck = failures >= STUCK_AFTER && !effect.stuckAt;
  const why =
    error instanceof PermanentEffectError ? error.issue : error instanceof Error ? error.message : message;
  const result = await finish(core, effect, {
    status: "retry",
    dueAt: later(wait),
    error: message,
    failures,
    unknownSince,
    ...(becomesStuck ? { stuck: { why } } : {}),
  });
  if (result === "retry") core.metrics?.count(METRIC.effectsRetried);
  if (result === "retry" && becomesStuck) {
    core.metrics?.count(METRIC.effectsStuck);
    // The alarm's hook: one "effect stuck" line, `stuck: true`, per stuck entry.
    core.log.error("effect stuck", {
      ...fields,
      stuck: true,
      platform: effect.platform,
      kind: effect.spec.kind,
      failures,
      error: message,
    });
  } else if (result === "retry") {
    core.log.warn("effect will be retried", { ...fields, failures, dueAt: later(wait), error: message });
  }
  return result;
}

/**
 * Whether an entry that failed again stops trying. Never while its request is open (pending,
 * waitlisted), nor the grant and the welcome of an approved request whose applicant still holds
 * the seat. Anything else (card updates and notices of closed requests, a grant whose seat was
 * given up) stops once it is a week old.
 */
async function givesUp(core: Core, effect: EffectItem, now: Date): Promise<boolean> {
  if (now.getTime() - Date.parse(effect.createdAt) < GIVE_UP_AFTER_MS) return false;
  const request = await Requests.get(core, effect.requestId);
  if (!request) return true;
  return !(await mattersForever(core, effect.spec, request));
}

async function mattersForever(core: Core, spec: EffectSpec, request: JoinRequest): Promise<boolean> {
  if (request.status === "pending" || request.status === "waitlisted") return true;
  const welcome =
    spec.kind === "grant" ||
    (spec.kind === "notice" && (spec.notice === "approved" || spec.notice === "admitted"));
  return request.status === "approved" && welcome && (await holdsSeat(core, request));
}

/** Records a delivery problem on the request and refreshes the card so moderators see it. */
async function reportIssue(core: Core, effect: EffectItem, issue: string): Promise<void> {
  const request = await Requests.get(core, effect.requestId);
  if (!request || (request.issues ?? []).includes(issue)) return;
  await transact(core.store, [
    {
      label: "request",
      item: {
        Update: {
          TableName: core.store.table,
          Key: keys.request(effect.requestId),
          UpdateExpression: "SET issues = list_append(if_not_exists(issues, :empty), :issue)",
          ExpressionAttributeValues: { ":empty": [], ":issue": [issue] },
        },
      },
    },
    ...effectPuts(core, request, [{ kind: "card.update" }], `issue#${effect.name}`),
  ]);
}

/** Which kinds of entries a re-drive takes: only these, or all but these. */
export type KindFilter = { only: readonly EffectKind[] } | { except: readonly EffectKind[] };

/**
 * Runs every outbox entry that is due: retries whose time has come, leases that lapsed, entries
 * the stream missed or left; only `opts.platform`'s entries when given (a sweeper deployed per
 * platform), and only `opts.kinds` when given (a deployed sweeper leaves the digest's entries to
 * its platform's worker, the one function that carries the chart). Stops starting entries when
 * the deadline is near; the rest stay due.
 */
export async function redriveDue(
  core: Core,
  performers: Performers,
  opts: RunOptions & { limit?: number; platform?: Platform | undefined; kinds?: KindFilter | undefined } = {},
): Promise<Record<RunResult, number>> {
  const counts = emptyCounts();
  const { platform, kinds } = opts;
  const deadline = opts.deadline ?? Number.POSITIVE_INFINITY;
  const filters: string[] = [];
  const filterNames: Record<string, string> = {};
  const filterValues: Record<string, string> = {};
  if (platform) {
    filters.push("#platform = :p");
    Object.assign(filterNames, names("platform"));
    filterValues[":p"] = platform;
  }
  if (kinds) {
    const listed = "only" in kinds ? kinds.only : kinds.except;
    const slots = listed.map((kind, i) => {
      filterValues[`:k${i}`] = kind;
      return `:k${i}`;
    });
    // An empty list: `only` takes nothing, `except` leaves everything.
    if (slots.length === 0 && "only" in kinds) return counts;
    if (slots.length > 0) {
      Object.assign(filterNames, { "#spec": "spec", "#kind": "kind" });
      const member = `#spec.#kind IN (${slots.join(", ")})`;
      filters.push("only" in kinds ? member : `NOT (${member})`);
    }
  }
  const { Items } = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      IndexName: TABLE.indexes.due.name,
      KeyConditionExpression: `${G1PK} = :o AND ${G1SK} <= :now`,
      ExpressionAttributeValues: {
        ":o": keys.outbox,
        ":now": `${outboxTime(core).toISOString()}~`,
        ...filterValues,
      },
      ...(filters.length > 0
        ? { FilterExpression: filters.join(" AND "), ExpressionAttributeNames: filterNames }
        : {}),
      Limit: opts.limit ?? 200,
    }),
  );
  const due = (Items ?? []).flatMap((item) => {
    const effect = effectItemSchema.safeParse(item);
    return effect.success ? [effect.data] : [];
  });
  for (const [i, effect] of due.entries()) {
    if (Date.now() + ENTRY_MIN_MS > deadline) {
      counts.deferred += due.length - i; // still due: the next pass takes them
      break;
    }
    counts[await run(core, performers, effect, { deadline })]++;
  }
  return counts;
}

/** One entry, read consistently. */
export async function getEntry(core: Core, requestId: string, name: string): Promise<EffectItem | undefined> {
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: keys.effect(requestId, name), ConsistentRead: true }),
  );
  const parsed = effectItemSchema.safeParse(Item);
  return parsed.success ? parsed.data : undefined;
}

async function partition(core: Core, pk: string): Promise<EffectItem[]> {
  const out: EffectItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        IndexName: TABLE.indexes.due.name,
        KeyConditionExpression: `${G1PK} = :p`,
        ExpressionAttributeValues: { ":p": pk },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const parsed = effectItemSchema.safeParse(item);
      if (parsed.success) out.push(parsed.data);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Entries still being retried that failed `STUCK_AFTER` times or more, oldest first. */
export async function stuckEntries(core: Core): Promise<EffectItem[]> {
  return (await partition(core, keys.outbox))
    .filter((e) => e.failures >= STUCK_AFTER)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Every open entry (pending, running, to retry) and the ones that gave up, oldest first. */
export async function allOpenEntries(core: Core): Promise<EffectItem[]> {
  const [open, dead] = await Promise.all([partition(core, keys.outbox), partition(core, keys.deadLetter)]);
  return [...open, ...dead].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Entries that gave up, newest first, for operators (`gatekeeper sweep` counts them). */
export async function deadLetters(core: Core, limit = 50): Promise<EffectItem[]> {
  const { Items } = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      IndexName: TABLE.indexes.due.name,
      KeyConditionExpression: `${G1PK} = :d`,
      ExpressionAttributeValues: { ":d": keys.deadLetter },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (Items ?? []).flatMap((i) => {
    const parsed = effectItemSchema.safeParse(i);
    return parsed.success ? [parsed.data] : [];
  });
}

export type RetryResult = RunResult | "not-found" | "running" | "settled";

/**
 * Re-drives one entry now (`gatekeeper outbox retry`): a retry waiting for its time, a permanent
 * failure (DMs reopened, role fixed) or an entry that gave up. A delivery that is running now is
 * left alone; a settled one is not repeated.
 */
export async function retryNow(
  core: Core,
  performers: Performers,
  key: { requestId: string; name: string },
  opts: RunOptions = {},
): Promise<RetryResult> {
  const now = outboxTime(core).toISOString();
  try {
    await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.effect(key.requestId, key.name),
        UpdateExpression: `SET #status = :retry, dueAt = :now, ${G1PK} = :outbox, ${G1SK} = :g1sk REMOVE doneAt`,
        ConditionExpression: "#status IN (:retry, :failed, :dead)",
        ExpressionAttributeNames: names("status"),
        ExpressionAttributeValues: {
          ":retry": "retry",
          ":failed": "failed",
          ":dead": "dead",
          ":now": now,
          ":outbox": keys.outbox,
          ":g1sk": `${now}#${key.requestId}#${key.name}`,
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === "ConditionalCheckFailedException")) throw error;
    const entry = await getEntry(core, key.requestId, key.name);
    if (!entry) return "not-found";
    if (entry.status === "done") return "settled";
    if (entry.status === "running" && (entry.leaseUntil ?? "") > now) return "running";
  }
  return run(core, performers, key, opts);
}

/** All outbox entries of a request (tests and diagnostics). */
export async function entriesOf(core: Core, requestId: string): Promise<EffectItem[]> {
  const { Items } = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :e)",
      ExpressionAttributeValues: { ":pk": keys.request(requestId).pk, ":e": "EFFECT#" },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((i) => effectItemSchema.parse(i));
}
