import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Community } from "./config/schema.js";
import type { Core } from "./context.js";
import {
  actorSchema,
  type JoinRequest,
  joinRequestSchema,
  keys,
  REQUEST_STATUSES,
  type RequestHistory,
} from "./model.js";
import { TABLE } from "./store/table.js";

/**
 * An applicant's earlier requests in a community, for the card: what became of them and what
 * changed in the answers since the last one. Read once, when the new request is recorded, from
 * the by-applicant index (gsi2, the one `/apply status` reads), with one query that projects only
 * what the card shows. Earlier requests are closed, so the snapshot never goes stale.
 */

/** Earlier requests listed on the card; the rest are counted. */
export const HISTORY_SHOWN = 5;
/** Index entries read: the applicant's requests in every community of the workspace, newest first. */
const READ_LIMIT = 50;

const G2PK = TABLE.indexes.applicant.partitionKey;
const PROJECTED = [
  "id",
  "communityId",
  "status",
  "createdAt",
  "closedAt",
  "answers",
  "decision",
  "blocked",
] as const;

const earlierSchema = z.object({
  id: z.string(),
  communityId: z.string(),
  status: z.enum(REQUEST_STATUSES),
  createdAt: z.string(),
  closedAt: z.string().optional(),
  answers: joinRequestSchema.shape.answers,
  decision: z.object({ by: actorSchema, reason: z.string().optional() }).optional(),
  blocked: z.object({ by: actorSchema }).optional(),
});
export type EarlierRequest = z.infer<typeof earlierSchema>;

/** The applicant's requests in this community, newest first (one query, a few attributes each). */
export async function earlierRequests(
  core: Core,
  community: Community,
  userId: string,
): Promise<EarlierRequest[]> {
  const { Items } = await core.store.doc.send(
    new QueryCommand({
      TableName: core.store.table,
      IndexName: TABLE.indexes.applicant.name,
      KeyConditionExpression: `${G2PK} = :a`,
      FilterExpression: "#communityId = :c",
      ProjectionExpression: PROJECTED.map((a) => `#${a}`).join(", "),
      ExpressionAttributeNames: Object.fromEntries(PROJECTED.map((a) => [`#${a}`, a])),
      ExpressionAttributeValues: {
        ":a": keys.byApplicant(community.platform, community.workspace, userId),
        ":c": community.id,
      },
      ScanIndexForward: false,
      Limit: READ_LIMIT,
    }),
  );
  return (Items ?? []).flatMap((i) => {
    const parsed = earlierSchema.safeParse(i);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * What the card shows about the earlier requests (pure): up to HISTORY_SHOWN of them, and each
 * question of the new answers against the last request's: changed, unchanged, or new (no answer
 * then). Undefined when there is no earlier request.
 */
export function historyOf(
  answers: JoinRequest["answers"],
  earlier: readonly EarlierRequest[],
  exclude?: string,
): RequestHistory | undefined {
  const list = earlier.filter((e) => e.id !== exclude);
  const [last] = list;
  if (!last) return undefined;
  const before = new Map(last.answers.map((a) => [a.id, a.value.trim()]));
  return {
    earlier: list.slice(0, HISTORY_SHOWN).map((e) => ({
      id: e.id,
      status: e.status,
      createdAt: e.createdAt,
      ...(e.closedAt ? { closedAt: e.closedAt } : {}),
      ...(e.decision ? { by: e.decision.by } : {}),
      ...(e.decision?.reason ? { reason: e.decision.reason } : {}),
      ...(e.blocked ? { blocked: true } : {}),
    })),
    more: Math.max(0, list.length - HISTORY_SHOWN),
    diff: answers.map((a) => {
      const then = before.get(a.id);
      const now = a.value.trim();
      const change =
        then === undefined || (then === "" && now !== "") ? "new" : then === now ? "unchanged" : "changed";
      return { id: a.id, label: a.label, change };
    }),
  };
}
