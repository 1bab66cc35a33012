import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Community } from "./config/schema.js";
import type { Core } from "./context.js";
import { keys } from "./model.js";

/**
 * A community's admitted members, read in a rotating order for the seat check on platforms with
 * no leave event (Discord). The standings (`COMMUNITY#<id>` / `APPLICANT#<user>`) are walked in key
 * order from a cursor kept in `COMMUNITY#<id>` / `RECONCILE`; each pass takes the next batch and
 * wraps around at the end, so every member is checked once per cycle.
 */

const PREFIX = "APPLICANT#";
/** Standings read per query page while collecting a batch (members and non-members alike). */
const PAGE = 200;

export interface AdmittedMember {
  /** The standing's sort key: where the walk stands once this member is checked. */
  key: string;
  userId: string;
  /** The request that admitted them. */
  requestId: string | undefined;
}

const standingSchema = z.object({
  sk: z.string(),
  memberSince: z.string().optional(),
  membershipRequestId: z.string().optional(),
});

/**
 * The next `size` admitted members after the cursor, wrapping around to the start when the walk
 * reaches the end (each member at most once per batch), and where the next pass starts.
 */
export async function nextBatch(
  core: Core,
  community: Community,
  size: number,
): Promise<{ members: AdmittedMember[]; next: string | undefined }> {
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: keys.reconcile(community.id), ConsistentRead: true }),
  );
  const cursor = typeof Item?.cursor === "string" ? Item.cursor : undefined;
  const members = await walk(core, community, { after: cursor ?? PREFIX }, size);
  if (members.length < size && cursor) {
    members.push(...(await walk(core, community, { after: PREFIX, upTo: cursor }, size - members.length)));
  }
  const last = members.at(-1);
  return { members, next: members.length < size && !cursor ? undefined : last?.key };
}

/** Admitted members in key order after `after` (and up to `upTo`), at most `size`. */
async function walk(
  core: Core,
  community: Community,
  range: { after: string; upTo?: string },
  size: number,
): Promise<AdmittedMember[]> {
  const members: AdmittedMember[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        // Standings sort before the partition's other items (META, RECONCILE), which hold no
        // membership: the filter drops them.
        KeyConditionExpression: range.upTo
          ? "pk = :pk AND sk BETWEEN :after AND :upTo"
          : "pk = :pk AND sk > :after",
        FilterExpression: "attribute_exists(memberSince)",
        ProjectionExpression: "sk, memberSince, membershipRequestId",
        ExpressionAttributeValues: {
          ":pk": keys.meta(community.id).pk,
          ":after": range.after,
          ...(range.upTo ? { ":upTo": range.upTo } : {}),
        },
        Limit: PAGE,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const s = standingSchema.safeParse(item);
      if (!s.success) continue;
      members.push({
        key: s.data.sk,
        userId: s.data.sk.slice(PREFIX.length),
        requestId: s.data.membershipRequestId,
      });
      if (members.length >= size) return members;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return members;
}

/** Remembers where the next pass starts (`undefined`: from the beginning). */
export async function saveCursor(core: Core, community: Community, next: string | undefined): Promise<void> {
  await core.store.doc.send(
    new UpdateCommand({
      TableName: core.store.table,
      Key: keys.reconcile(community.id),
      UpdateExpression: next ? "SET #cursor = :c, checkedAt = :now" : "SET checkedAt = :now REMOVE #cursor",
      ExpressionAttributeNames: { "#cursor": "cursor" },
      ExpressionAttributeValues: { ...(next ? { ":c": next } : {}), ":now": core.now().toISOString() },
    }),
  );
}

/** Whether the grant that goes with a membership was performed (its outbox entry is done). */
export async function grantDone(core: Core, requestId: string): Promise<boolean> {
  const { Item } = await core.store.doc.send(
    new GetCommand({
      TableName: core.store.table,
      Key: keys.effect(requestId, "grant"),
      ProjectionExpression: "#status",
      ExpressionAttributeNames: { "#status": "status" },
      ConsistentRead: true,
    }),
  );
  return z.object({ status: z.string() }).safeParse(Item).data?.status === "done";
}
