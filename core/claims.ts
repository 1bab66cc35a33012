import { liveClaim } from "./claim-state.js";
import type { Community } from "./config/schema.js";
import type { Core } from "./context.js";
import { type Actor, type Claim, type JoinRequest, keys, SYSTEM } from "./model.js";
import * as Requests from "./requests.js";
import { auditPut, effectPuts } from "./store/items.js";
import { deleteTimer, putTimer, type Timer } from "./store/timers.js";
import { labelled, names, transact } from "./store/transact.js";

/**
 * Claims as records: "I am reviewing this one", shown on the card so moderators don't duplicate
 * work. A claim never stops anyone from deciding. Taking one is a conditional write (pending, and
 * unclaimed, lapsed or already the claimer's), so of two claims at once exactly one wins; it ends
 * by Unclaim or when its timer runs out (`claimMinutes`).
 */

const MINUTE_MS = 60_000;

export type ClaimOutcome =
  | { kind: "claimed"; request: JoinRequest; claim: Claim }
  /** Someone else holds a live claim. */
  | { kind: "taken"; request: JoinRequest; claim: Claim }
  | { kind: "closed"; request: JoinRequest }
  | { kind: "not-found" };

export type UnclaimOutcome =
  | { kind: "unclaimed"; request: JoinRequest }
  | { kind: "not-yours"; request: JoinRequest; claim: Claim }
  | { kind: "unclaimed-already"; request: JoinRequest }
  | { kind: "closed"; request: JoinRequest }
  | { kind: "not-found" };

/** A claim that still holds at `now`. */
export { liveClaim };

export async function claim(
  core: Core,
  request: JoinRequest,
  community: Community,
  by: Actor,
): Promise<ClaimOutcome> {
  const now = core.now();
  if (request.status !== "pending") return { kind: "closed", request };
  const held = liveClaim(request, now);
  if (held && held.by.id !== by.id) return { kind: "taken", request, claim: held };
  const at = now.toISOString();
  const fresh: Claim = {
    by,
    at,
    until: new Date(now.getTime() + community.claimMinutes * MINUTE_MS).toISOString(),
  };
  const result = await transact(core.store, [
    labelled("request", {
      Update: {
        TableName: core.store.table,
        Key: keys.request(request.id),
        UpdateExpression: "SET #claim = :claim, updatedAt = :at ADD #version :one",
        ConditionExpression:
          "#status = :pending AND (attribute_not_exists(#claim) OR #claim.#until <= :at OR #claim.#by.#id = :me)",
        ExpressionAttributeNames: names("claim", "status", "version", "until", "by", "id"),
        ExpressionAttributeValues: {
          ":claim": fresh,
          ":at": at,
          ":one": 1,
          ":pending": "pending",
          ":me": by.id,
        },
      },
    }),
    putTimer(core, {
      requestId: request.id,
      communityId: request.communityId,
      kind: "claim",
      dueAt: fresh.until,
    }),
    ...effectPuts(core, request, [{ kind: "card.update" }], `claim#${at}`),
    auditPut(core, { requestId: request.id, actor: by, action: "claimed" }),
  ]);
  const after = await Requests.get(core, request.id);
  if (!after) return { kind: "not-found" };
  if (result.ok) return { kind: "claimed", request: after, claim: fresh };
  if (after.status !== "pending") return { kind: "closed", request: after };
  const winner = liveClaim(after, core.now()) ?? after.claim;
  if (winner && winner.by.id !== by.id) return { kind: "taken", request: after, claim: winner };
  // The same moderator's other click (a double click) claimed it at the same instant.
  if (winner) return { kind: "claimed", request: after, claim: winner };
  throw new Error(`claim of ${request.id} failed for no visible reason`);
}

export async function unclaim(core: Core, request: JoinRequest, by: Actor): Promise<UnclaimOutcome> {
  if (request.status !== "pending") return { kind: "closed", request };
  const held = liveClaim(request, core.now());
  if (!held) return { kind: "unclaimed-already", request };
  if (held.by.id !== by.id) return { kind: "not-yours", request, claim: held };
  const at = core.now().toISOString();
  const result = await transact(core.store, [
    labelled("request", {
      Update: {
        TableName: core.store.table,
        Key: keys.request(request.id),
        UpdateExpression: "SET updatedAt = :at ADD #version :one REMOVE #claim",
        ConditionExpression: "#status = :pending AND #claim.#at = :claimed AND #claim.#by.#id = :me",
        ExpressionAttributeNames: names("claim", "status", "version", "at", "by", "id"),
        ExpressionAttributeValues: {
          ":at": at,
          ":one": 1,
          ":pending": "pending",
          ":claimed": held.at,
          ":me": by.id,
        },
      },
    }),
    deleteTimer(core, request.id, "claim"),
    ...effectPuts(core, request, [{ kind: "card.update" }], `unclaim#${at}`),
    auditPut(core, { requestId: request.id, actor: by, action: "unclaimed" }),
  ]);
  const after = await Requests.get(core, request.id);
  if (!after) return { kind: "not-found" };
  if (result.ok) return { kind: "unclaimed", request: after };
  if (after.status !== "pending") return { kind: "closed", request: after };
  const now = liveClaim(after, core.now());
  return now && now.by.id !== by.id
    ? { kind: "not-yours", request: after, claim: now }
    : { kind: "unclaimed-already", request: after };
}

/**
 * A claim timer ran out: the claim ends and the card stops showing it. A claim renewed or
 * released meanwhile (another timer, or none) only clears this timer.
 */
export async function expire(core: Core, timer: Timer): Promise<"ended" | "cleared" | "raced"> {
  const request = await Requests.get(core, timer.requestId);
  const current = request?.status === "pending" && request.claim?.until === timer.dueAt;
  if (!request || !current) {
    const cleared = await transact(core.store, [
      deleteTimer(core, timer.requestId, "claim", { dueAt: timer.dueAt }),
    ]);
    return cleared.ok ? "cleared" : "raced";
  }
  const result = await transact(core.store, [
    labelled("request", {
      Update: {
        TableName: core.store.table,
        Key: keys.request(request.id),
        UpdateExpression: "SET updatedAt = :now ADD #version :one REMOVE #claim",
        ConditionExpression: "#status = :pending AND #claim.#until = :until",
        ExpressionAttributeNames: names("claim", "status", "version", "until"),
        ExpressionAttributeValues: {
          ":now": core.now().toISOString(),
          ":one": 1,
          ":pending": "pending",
          ":until": timer.dueAt,
        },
      },
    }),
    deleteTimer(core, request.id, "claim", { dueAt: timer.dueAt }),
    ...effectPuts(core, request, [{ kind: "card.update" }], `claim-ended#${timer.dueAt}`),
    auditPut(core, { requestId: request.id, actor: SYSTEM, action: "claim-ended" }),
  ]);
  return result.ok ? "ended" : "raced";
}
