import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import * as Capacity from "./capacity.js";
import * as Communities from "./communities.js";
import type { Platform } from "./config/schema.js";
import { type Core, names, sleep, transact } from "./context.js";
import {
  type EffectSpec,
  type EffectState,
  PermanentEffectError,
  type PlatformEffects,
  RetryableEffectError,
} from "./effects.js";
import { keys } from "./model.js";
import { effectPuts } from "./outbox-items.js";
import * as Requests from "./requests.js";
import { TABLE } from "./store/table.js";

/**
 * The outbox: side effects recorded with the state change that caused them, performed after
 * the interaction was answered. The table's stream delivers each new entry to `run`; the
 * sweeper re-drives whatever is due (retries, and anything the stream missed).
 *
 * Each entry is claimed with a conditional write (a lease), so concurrent deliveries of the
 * same entry perform it once; it ends `done`, `failed` (permanent, shown on the card) or, after
 * MAX_ATTEMPTS, `dead` (kept in the DEADLETTER index for operators).
 */
export const MAX_ATTEMPTS = 8;
export const LEASE_MS = 60_000;
/**
 * Retries inside one delivery for short waits (429 with a small Retry-After, a 5xx blip). Longer
 * waits go back to the table for the sweeper. Bounded so that a request's few entries, run in
 * order, fit well inside the worker's time limit (core/deployment.ts) even when each one waits.
 */
const INLINE_RETRIES = 3;
const INLINE_MAX_WAIT_MS = 2_000;

const G1PK = TABLE.indexes.due.partitionKey;
const G1SK = TABLE.indexes.due.sortKey;

const effectSpecSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("card.post") }),
  z.object({ kind: z.literal("card.update") }),
  z.object({
    kind: z.literal("notice"),
    notice: z.enum(["approved", "waitlisted", "admitted", "denied", "expired"]),
  }),
  z.object({ kind: z.literal("grant") }),
  z.object({ kind: z.literal("remind") }),
]);

export const effectItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  type: z.literal("effect"),
  name: z.string(),
  spec: effectSpecSchema,
  requestId: z.string(),
  communityId: z.string(),
  platform: z.enum(["slack", "discord"]),
  status: z.enum(["pending", "running", "retry", "done", "failed", "dead"]),
  attempts: z.number().int(),
  createdAt: z.string(),
  dueAt: z.string(),
  leaseUntil: z.string().optional(),
  lastError: z.string().optional(),
  doneAt: z.string().optional(),
});
export type EffectItem = z.infer<typeof effectItemSchema>;

export type Performers = Partial<Record<Platform, PlatformEffects>>;

export type RunResult = "done" | "skipped" | "retry" | "failed" | "dead";

/** Whether a stream image is a fresh outbox entry the worker should run. */
export function isRunnable(image: Record<string, unknown> | undefined): image is EffectItem {
  return effectItemSchema.safeParse(image).success && (image as EffectItem).status === "pending";
}

/** Claims, performs and settles one outbox entry. Safe to call for an entry that is done or taken. */
export async function run(
  core: Core,
  performers: Performers,
  key: { requestId: string; name: string },
): Promise<RunResult> {
  const effect = await claim(core, key);
  if (!effect) return "skipped";
  const performer = performers[effect.platform];
  let lastError: unknown;
  for (let inline = 0; inline < INLINE_RETRIES; inline++) {
    try {
      if (!performer) throw new RetryableEffectError(`${effect.platform} is not configured`);
      await perform(core, performer, effect);
      await settle(core, effect, { status: "done" });
      return "done";
    } catch (error) {
      lastError = error;
      if (error instanceof PermanentEffectError) break;
      const wait = waitFor(error, inline);
      if (wait === undefined || wait > INLINE_MAX_WAIT_MS || inline === INLINE_RETRIES - 1) break;
      core.log.warn("effect failed, retrying", {
        effect: effect.name,
        requestId: effect.requestId,
        wait,
        error,
      });
      await sleep(wait);
    }
  }
  return fail(core, effect, lastError);
}

async function perform(core: Core, performer: PlatformEffects, effect: EffectItem): Promise<void> {
  const state = await loadState(core, effect.requestId);
  const spec: EffectSpec = effect.spec;
  switch (spec.kind) {
    case "card.post": {
      if (state.request.card) return; // posted by an earlier attempt that crashed before settling
      const card = await performer.postCard(state);
      await core.store.doc.send(
        new UpdateCommand({
          TableName: core.store.table,
          Key: keys.request(effect.requestId),
          UpdateExpression: "SET card = if_not_exists(card, :card)",
          ExpressionAttributeValues: { ":card": card },
        }),
      );
      return;
    }
    case "card.update":
      if (!state.request.card) throw new RetryableEffectError("the card is not posted yet", 1_000);
      return performer.updateCard(state, state.request.card);
    case "notice":
      return performer.notify(state, spec.notice);
    case "grant":
      return performer.grant(state);
    case "remind":
      return performer.remind(state);
  }
}

/** The request, its community, seats and waitlist position, as they are now. */
export async function loadState(core: Core, requestId: string): Promise<EffectState> {
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
    Capacity.seats(core, community),
    Capacity.waitlistPosition(core, request),
  ]);
  return { request, community, seats, waitlistPosition };
}

function waitFor(error: unknown, inline: number): number | undefined {
  if (error instanceof RetryableEffectError && error.retryAfterMs !== undefined) return error.retryAfterMs;
  return 250 * 2 ** inline;
}

async function claim(core: Core, key: { requestId: string; name: string }): Promise<EffectItem | undefined> {
  const now = core.now();
  const lease = new Date(now.getTime() + LEASE_MS).toISOString();
  try {
    const { Attributes } = await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.effect(key.requestId, key.name),
        UpdateExpression: `SET #status = :running, leaseUntil = :lease, ${G1SK} = :g1sk ADD attempts :one`,
        ConditionExpression:
          "#status = :pending OR (#status = :retry AND dueAt <= :now) OR (#status = :running AND leaseUntil <= :now)",
        ExpressionAttributeNames: names("status"),
        ExpressionAttributeValues: {
          ":running": "running",
          ":pending": "pending",
          ":retry": "retry",
          ":now": now.toISOString(),
          ":lease": lease,
          ":one": 1,
          ":g1sk": `${lease}#${key.requestId}#${key.name}`,
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return effectItemSchema.parse(Attributes);
  } catch (error) {
    if (error instanceof Error && error.name === "ConditionalCheckFailedException") return undefined;
    throw error;
  }
}

async function settle(
  core: Core,
  effect: EffectItem,
  outcome:
    | { status: "done" }
    | { status: "retry"; dueAt: string; error: string }
    | { status: "failed" | "dead"; error: string },
): Promise<void> {
  const now = core.now().toISOString();
  const values: Record<string, unknown> = {
    ":s": outcome.status,
    ":running": "running",
    ":attempts": effect.attempts,
  };
  let update: string;
  switch (outcome.status) {
    case "done":
      update = `SET #status = :s, doneAt = :now REMOVE ${G1PK}, ${G1SK}, leaseUntil`;
      values[":now"] = now;
      break;
    case "retry":
      update = `SET #status = :s, dueAt = :due, lastError = :e, ${G1SK} = :g1sk REMOVE leaseUntil`;
      Object.assign(values, {
        ":due": outcome.dueAt,
        ":e": outcome.error,
        ":g1sk": `${outcome.dueAt}#${effect.requestId}#${effect.name}`,
      });
      break;
    case "failed": // leaves the due index
      update = `SET #status = :s, lastError = :e, doneAt = :now REMOVE ${G1PK}, ${G1SK}, leaseUntil`;
      Object.assign(values, { ":e": outcome.error, ":now": now });
      break;
    case "dead": // moves to the dead-letter partition
      update = `SET #status = :s, lastError = :e, doneAt = :now, ${G1PK} = :g1pk REMOVE leaseUntil`;
      Object.assign(values, { ":e": outcome.error, ":now": now, ":g1pk": keys.deadLetter });
      break;
  }
  // Fenced on our claim: a late settle after the lease was taken over changes nothing.
  await core.store.doc.send(
    new UpdateCommand({
      TableName: core.store.table,
      Key: keys.effect(effect.requestId, effect.name),
      UpdateExpression: update,
      ConditionExpression: "#status = :running AND attempts = :attempts",
      ExpressionAttributeNames: names("status"),
      ExpressionAttributeValues: values,
    }),
  );
}

async function fail(core: Core, effect: EffectItem, error: unknown): Promise<RunResult> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (error instanceof PermanentEffectError) {
    core.log.warn("effect failed permanently", {
      effect: effect.name,
      requestId: effect.requestId,
      error: message,
    });
    // A card that cannot be posted or updated cannot show its own problem: dead-letter it so
    // operators see it (`gatekeeper sweep`); other permanent failures show on the card.
    const isCard = effect.spec.kind === "card.post" || effect.spec.kind === "card.update";
    await settle(core, effect, { status: isCard ? "dead" : "failed", error: message });
    await reportIssue(core, effect, error.issue);
    return "failed";
  }
  if (effect.attempts >= MAX_ATTEMPTS) {
    core.log.error("effect dead-lettered", {
      effect: effect.name,
      requestId: effect.requestId,
      error: message,
    });
    await settle(core, effect, { status: "dead", error: message });
    await reportIssue(core, effect, `${describe(effect)} failed after ${effect.attempts} attempts`);
    return "dead";
  }
  const backoff = Math.min(3_600_000, 30_000 * 2 ** (effect.attempts - 1));
  const retryAfter = error instanceof RetryableEffectError ? (error.retryAfterMs ?? 0) : 0;
  const dueAt = new Date(core.now().getTime() + Math.max(backoff, retryAfter)).toISOString();
  core.log.warn("effect will be retried", {
    effect: effect.name,
    requestId: effect.requestId,
    dueAt,
    error: message,
  });
  await settle(core, effect, { status: "retry", dueAt, error: message });
  return "retry";
}

function describe(effect: EffectItem): string {
  switch (effect.spec.kind) {
    case "card.post":
      return "Posting the card";
    case "card.update":
      return "Updating the card";
    case "notice":
      return "Notifying the applicant";
    case "grant":
      return "Granting access";
    case "remind":
      return "Reminding moderators";
  }
}

/** Records a delivery problem on the request and refreshes the card so moderators see it. */
async function reportIssue(core: Core, effect: EffectItem, issue: string): Promise<void> {
  const request = await Requests.get(core, effect.requestId);
  if (!request || (request.issues ?? []).includes(issue)) return;
  const isCardEffect = effect.spec.kind === "card.post" || effect.spec.kind === "card.update";
  await transact(core, [
    {
      Update: {
        TableName: core.store.table,
        Key: keys.request(effect.requestId),
        UpdateExpression: "SET issues = list_append(if_not_exists(issues, :empty), :issue)",
        ExpressionAttributeValues: { ":empty": [], ":issue": [issue] },
      },
    },
    // A broken card cannot show its own problem; the dead-letter index and the log do.
    ...(isCardEffect ? [] : effectPuts(core, request, [{ kind: "card.update" }], `issue#${effect.name}`)),
  ]);
}

/**
 * Runs every outbox entry that is due: retries whose time has come, leases that lapsed, entries
 * the stream missed; only `platform`'s entries when given (a sweeper deployed per platform).
 */
export async function redriveDue(
  core: Core,
  performers: Performers,
  limit = 200,
  platform?: Platform,
): Promise<Record<RunResult, number>> {
  const counts: Record<RunResult, number> = { done: 0, skipped: 0, retry: 0, failed: 0, dead: 0 };
  const { Items } = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      IndexName: TABLE.indexes.due.name,
      KeyConditionExpression: `${G1PK} = :o AND ${G1SK} <= :now`,
      ExpressionAttributeValues: {
        ":o": keys.outbox,
        ":now": `${core.now().toISOString()}~`,
        ...(platform ? { ":p": platform } : {}),
      },
      ...(platform
        ? { FilterExpression: "#platform = :p", ExpressionAttributeNames: names("platform") }
        : {}),
      Limit: limit,
    }),
  );
  for (const item of Items ?? []) {
    const effect = effectItemSchema.safeParse(item);
    if (!effect.success) continue;
    counts[await run(core, performers, effect.data)]++;
  }
  return counts;
}

/** Entries that gave up, newest first, for operators (`gatekeeper sweep` prints them). */
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
