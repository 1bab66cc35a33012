import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import * as Communities from "./communities.js";
import type { Community } from "./config/schema.js";
import type { Core } from "./context.js";
import { REMOVED_NAME } from "./messages.js";
import { type Actor, evaluationSchema, type JoinRequest, joinRequestSchema, keys, SYSTEM } from "./model.js";
import { type Profile, profileSchema } from "./profile.js";
import { auditPut, CLOSED, effectPuts } from "./store/items.js";
import { TABLE } from "./store/table.js";
import { type Labelled, labelled, names, transact } from "./store/transact.js";

/**
 * The applicant's personal data: kept while it serves the request, then removed, with the
 * record of who decided what kept.
 *
 * - The personal part of a request is the applicant's name, the answers, the note, the interview
 *   (moderators' questions and the applicant's replies), the profile and the rule details (which quote the profile). Ids, status, decision (who, when, why),
 *   seats, card and the audit trail are not; they stay.
 * - While the request is open, it all lives in the request item, as before.
 * - When the request closes (approved, denied, withdrawn, expired), `transition()` (and the
 *   creation of a request closed at once) files it in gsi1 under `PRIVACY#MOVE`, and the sweeper's next pass moves the personal part to its own
 *   item, `REQ#<id>` / `PERSONAL`, with `expiresAt` = closed + `retentionDays`: DynamoDB's TTL
 *   deletes that whole item then, and the request item keeps a redacted copy and a `privacy`
 *   marker. TTL deletes whole items, hence the separate item.
 * - TTL deletes within a day or two of the time (DynamoDB Local is not counted on), so readers treat
 *   an item past its `expiresAt` as gone, and the sweeper deletes what is due itself (gsi1
 *   `PRIVACY#EXPIRY`), asking for the card to be re-rendered without it.
 * - `forget()` (`gatekeeper forget <community> <user>`) erases it at once from all of an
 *   applicant's requests in a community, open ones included, and their name from the audit.
 *
 * A reader gets the request with its personal part put back while it exists; after that, the
 * redacted copy, with `privacy.removed` set, which the cards show as "personal data removed".
 */

const DAY_MS = 86_400_000;
const G1PK = TABLE.indexes.due.partitionKey;
const G1SK = TABLE.indexes.due.sortKey;
const G2PK = TABLE.indexes.applicant.partitionKey;
const TTL = TABLE.ttlAttribute;

const personalSchema = z.object({
  type: z.literal("personal"),
  requestId: z.string(),
  communityId: z.string(),
  platform: z.enum(["slack", "discord"]),
  applicantName: z.string(),
  answers: joinRequestSchema.shape.answers,
  note: z.string().optional(),
  /** The moderators' questions and the applicant's replies (moderator tools' interview). */
  interview: joinRequestSchema.shape.interview,
  profile: profileSchema,
  evaluation: evaluationSchema,
  [TTL]: z.number(),
});
type PersonalItem = z.infer<typeof personalSchema>;

/** When a request closed: denied, withdrawn and expired set `closedAt`; approval admits. */
function closedAtOf(request: JoinRequest): string {
  return request.closedAt ?? request.admittedAt ?? request.decision?.at ?? request.updatedAt;
}

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The request's fields without its personal part: what stays in the request item. */
function redactedFields(request: JoinRequest) {
  const profile: Profile = {
    platform: request.platform,
    userId: request.applicant.userId,
    name: REMOVED_NAME,
    available: false,
  };
  return {
    applicantName: REMOVED_NAME,
    answers: [] as JoinRequest["answers"],
    profile,
    evaluation: {
      ...request.evaluation,
      rules: request.evaluation.rules.map((r) => ({ ...r, detail: "" })),
      breakdown: {
        ...request.evaluation.breakdown,
        items: request.evaluation.breakdown.items.map((i) => ({ ...i, detail: "" })),
      },
    },
  };
}

/** The update that replaces the personal part of the request item with the redacted one. */
function redact(
  core: Core,
  request: JoinRequest,
  privacy: NonNullable<JoinRequest["privacy"]>,
  condition: { expression: string; values: Record<string, unknown> },
  leaveIndex: boolean,
): Labelled {
  const r = redactedFields(request);
  return labelled("request", {
    Update: {
      TableName: core.store.table,
      Key: keys.request(request.id),
      UpdateExpression:
        "SET #applicant.#name = :name, #answers = :answers, #profile = :profile, #evaluation = :evaluation, " +
        `#privacy = :privacy REMOVE #note, #interview${leaveIndex ? `, ${G1PK}, ${G1SK}` : ""}`,
      ConditionExpression: condition.expression,
      ExpressionAttributeNames: names(
        "applicant",
        "name",
        "answers",
        "profile",
        "evaluation",
        "privacy",
        "note",
        "interview",
        "status",
        "version",
      ),
      ExpressionAttributeValues: {
        ":name": r.applicantName,
        ":answers": r.answers,
        ":profile": r.profile,
        ":evaluation": r.evaluation,
        ":privacy": privacy,
        ...condition.values,
      },
    },
  });
}

/**
 * Moves the personal part of requests that closed since the last pass into their own items
 * (sweeper). Returns how many moved.
 */
export async function separateClosed(core: Core): Promise<number> {
  let moved = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        IndexName: TABLE.indexes.due.name,
        KeyConditionExpression: `${G1PK} = :p`,
        ExpressionAttributeValues: { ":p": keys.privacyMove },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const request = joinRequestSchema.safeParse(item);
      if (request.success && (await separate(core, request.data))) moved++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return moved;
}

async function separate(core: Core, request: JoinRequest): Promise<boolean> {
  if (request.privacy || !CLOSED.includes(request.status)) return false;
  const community = Communities.find(core, request.communityId);
  const retentionDays = community?.retentionDays ?? 365;
  const expiresAt = new Date(Date.parse(closedAtOf(request)) + retentionDays * DAY_MS).toISOString();
  const personal: PersonalItem = {
    type: "personal",
    requestId: request.id,
    communityId: request.communityId,
    platform: request.platform,
    applicantName: request.applicant.name,
    answers: request.answers,
    ...(request.note !== undefined ? { note: request.note } : {}),
    ...(request.interview !== undefined ? { interview: request.interview } : {}),
    profile: request.profile,
    evaluation: request.evaluation,
    [TTL]: epochSeconds(expiresAt),
  };
  const result = await transact(core.store, [
    labelled("personal", {
      Put: {
        TableName: core.store.table,
        Item: {
          ...keys.personal(request.id),
          ...personal,
          [G1PK]: keys.privacyExpiry,
          [G1SK]: `${expiresAt}#${request.id}`,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    }),
    redact(
      core,
      request,
      { retentionDays, expiresAt },
      {
        expression: "#status = :status AND #version = :version AND attribute_not_exists(#privacy)",
        values: { ":status": request.status, ":version": request.version },
      },
      true,
    ),
  ]);
  return result.ok;
}

/**
 * Deletes personal items past their expiry (sweeper): DynamoDB's TTL does it too, eventually;
 * this makes it on time, and locally. The card is re-rendered without the data.
 */
export async function purgeExpired(core: Core): Promise<number> {
  const now = core.now().toISOString();
  let purged = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        IndexName: TABLE.indexes.due.name,
        KeyConditionExpression: `${G1PK} = :p AND ${G1SK} < :now`,
        ExpressionAttributeValues: { ":p": keys.privacyExpiry, ":now": now },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const personal = personalSchema.safeParse(item);
      if (!personal.success) continue;
      const { requestId, communityId, platform } = personal.data;
      const result = await transact(core.store, [
        labelled("personal", {
          Delete: {
            TableName: core.store.table,
            Key: keys.personal(requestId),
            ConditionExpression: "attribute_exists(pk)",
          },
        }),
        ...effectPuts(core, { id: requestId, communityId, platform }, [{ kind: "card.update" }], "retention"),
      ]);
      if (result.ok) purged++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return purged;
}

/** The request as readers see it: its personal part put back while it is kept, else marked removed. */
export async function withPersonal(core: Core, request: JoinRequest): Promise<JoinRequest> {
  if (!request.privacy || request.privacy.removed) return request;
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: keys.personal(request.id), ConsistentRead: true }),
  );
  const personal = personalSchema.safeParse(Item);
  const nowSeconds = Math.floor(core.now().getTime() / 1000);
  if (!personal.success || personal.data[TTL] <= nowSeconds) {
    return { ...request, privacy: { ...request.privacy, removed: "expired" } };
  }
  const p = personal.data;
  const { note: _note, interview: _interview, ...rest } = request;
  return {
    ...rest,
    applicant: { ...request.applicant, name: p.applicantName },
    answers: p.answers,
    ...(p.note !== undefined ? { note: p.note } : {}),
    ...(p.interview !== undefined ? { interview: p.interview } : {}),
    profile: p.profile,
    evaluation: p.evaluation,
  };
}

export interface ForgetReport {
  /** Requests whose personal data was erased now. */
  erased: string[];
}

/**
 * Erases an applicant's personal data from all their requests in a community, open or closed
 * (an erasure request): the request items are redacted, the personal items deleted, their name
 * removed from the audit trail; status, decisions and the audit stay. Each card is re-rendered.
 */
export async function forget(core: Core, community: Community, userId: string): Promise<ForgetReport> {
  const erased: string[] = [];
  for (const requestId of await requestIdsOf(core, community, userId)) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const outcome = await eraseOne(core, community, requestId);
      if (outcome === "conflict") continue;
      if (outcome === "erased") erased.push(requestId);
      break;
    }
    await scrubAudit(core, requestId, userId);
  }
  core.log.info("personal data erased on request", {
    community: community.id,
    user: userId,
    requests: erased.length,
  });
  return { erased };
}

async function requestIdsOf(core: Core, community: Community, userId: string): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        IndexName: TABLE.indexes.applicant.name,
        KeyConditionExpression: `${G2PK} = :a`,
        ExpressionAttributeValues: {
          ":a": keys.byApplicant(community.platform, community.workspace, userId),
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.communityId === community.id && typeof item.id === "string") ids.push(item.id);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}

async function eraseOne(
  core: Core,
  community: Community,
  requestId: string,
): Promise<"erased" | "already" | "conflict"> {
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: keys.request(requestId), ConsistentRead: true }),
  );
  const parsed = joinRequestSchema.safeParse(Item);
  if (!parsed.success) return "already";
  const request = parsed.data;
  if (request.privacy?.removed === "erased") return "already";
  const at = core.now().toISOString();
  const waitingForMove = Item?.[G1PK] === keys.privacyMove;
  const result = await transact(core.store, [
    redact(
      core,
      request,
      {
        retentionDays: request.privacy?.retentionDays ?? community.retentionDays,
        expiresAt: request.privacy?.expiresAt ?? at,
        removed: "erased",
      },
      {
        expression: "#version = :version AND #status = :status",
        values: { ":version": request.version, ":status": request.status },
      },
      waitingForMove,
    ),
    labelled("personal", { Delete: { TableName: core.store.table, Key: keys.personal(requestId) } }),
    ...effectPuts(core, request, [{ kind: "card.update" }], `forget@${at}`),
    auditPut(core, { requestId, actor: SYSTEM, action: "personal-data-erased" }),
  ]);
  return result.ok ? "erased" : "conflict";
}

/** Removes the applicant's name from their own entries in a request's audit trail. */
async function scrubAudit(core: Core, requestId: string, userId: string): Promise<void> {
  const page = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :audit)",
      ExpressionAttributeValues: { ":pk": keys.request(requestId).pk, ":audit": "AUDIT#" },
      ConsistentRead: true,
    }),
  );
  for (const item of page.Items ?? []) {
    const actor = item.actor as Actor | undefined;
    if (actor?.id !== userId || actor.name === undefined) continue;
    await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: "REMOVE actor.#name",
        ExpressionAttributeNames: names("name"),
      }),
    );
  }
}
