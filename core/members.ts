import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
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
 * The next `size` admitted members after the cursor, and where the next pass starts
 * (`undefined`: the walk reached the end and the next pass starts over).
 */
export async function nextBatch(
  core: Core,
  community: Community,
  size: number,
): Promise<{ members: AdmittedMember[]; next: string | undefined; wrapped: boolean }> {
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: keys.reconcile(community.id), ConsistentRead: true }),
  );
  const cursor = typeof Item?.cursor === "string" ? Item.cursor : PREFIX;
  const members: AdmittedMember[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        // After the cursor: standings (the partition's other items, META and RECONCILE, sort after
        // them and hold no membership, so the filter drops them).
        KeyConditionExpression: "pk = :pk AND sk > :after",
        FilterExpression: "attribute_exists(memberSince)",
        ProjectionExpression: "sk, memberSince, membershipRequestId",
        ExpressionAttributeValues: { ":pk": keys.meta(community.id).pk, ":after": cursor },
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
      if (members.length >= size) return { members, next: s.data.sk, wrapped: false };
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { members, next: undefined, wrapped: true };
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
