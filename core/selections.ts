import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Core } from "./context.js";
import { keys } from "./model.js";
import { platformSchema } from "./platform.js";
import { queueFilterSchema } from "./queue.js";

/**
 * A moderator's selection of queue requests, between picking them (a Discord select menu) and
 * acting on them (Approve selected / Deny selected). Keyed by the select interaction's id, bound to
 * the user and workspace that made it, kept an hour (TTL; treated as gone once past it).
 */
export const SELECTION_TTL_SECONDS = 3600;

const selectionSchema = z.object({
  selectionId: z.string(),
  platform: platformSchema,
  workspace: z.string(),
  userId: z.string(),
  communityId: z.string(),
  requestIds: z.array(z.string()).max(25),
  filter: queueFilterSchema,
  page: z.int(),
  expiresAt: z.number(),
});
export type Selection = z.infer<typeof selectionSchema>;

const key = (id: string) => keys.draft(`selection#${id}`);

export async function save(core: Core, selection: Omit<Selection, "expiresAt">): Promise<void> {
  await core.store.doc.send(
    new PutCommand({
      TableName: core.store.table,
      Item: {
        ...key(selection.selectionId),
        type: "selection",
        ...selection,
        expiresAt: Math.floor(core.now().getTime() / 1000) + SELECTION_TTL_SECONDS,
      },
    }),
  );
}

/** The selection, if it exists, is unexpired, and belongs to this user in this workspace. */
export async function load(
  core: Core,
  selectionId: string,
  owner: { platform: string; workspace: string; userId: string },
): Promise<Selection | undefined> {
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: key(selectionId), ConsistentRead: true }),
  );
  const parsed = selectionSchema.safeParse(Item);
  if (!parsed.success) return undefined;
  const s = parsed.data;
  const mine = s.platform === owner.platform && s.workspace === owner.workspace && s.userId === owner.userId;
  return mine && s.expiresAt > core.now().getTime() / 1000 ? s : undefined;
}
