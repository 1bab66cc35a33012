import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Core } from "../../core/context.js";
import { keys } from "../../core/model.js";
import { TABLE } from "../../core/store/table.js";

/**
 * The partial answers of a paged form, between one modal and the next. Keyed by guild, user and
 * form, so only the applicant who started a form can continue it; expires by the table's TTL
 * (about an hour), and is treated as gone once past its expiry even before DynamoDB deletes it.
 */
export const DRAFT_TTL_SECONDS = 3600;

export interface DraftRef {
  guildId: string;
  userId: string;
  formId: string;
}

const draftSchema = z.object({
  type: z.literal("draft"),
  guildId: z.string(),
  userId: z.string(),
  formId: z.string(),
  communityId: z.string(),
  answers: z.record(z.string(), z.string()),
  note: z.string().optional(),
  [TABLE.ttlAttribute]: z.number(),
});
export type Draft = z.infer<typeof draftSchema>;

export interface DraftInput extends DraftRef {
  communityId: string;
  answers: Record<string, string>;
  note?: string | undefined;
}

const draftKey = (ref: DraftRef) => keys.draft(`discord#${ref.guildId}#${ref.userId}#${ref.formId}`);

export async function saveDraft(core: Core, draft: DraftInput): Promise<void> {
  const expiresAt = Math.floor(core.now().getTime() / 1000) + DRAFT_TTL_SECONDS;
  await core.store.doc.send(
    new PutCommand({
      TableName: core.store.table,
      Item: {
        ...draftKey(draft),
        type: "draft",
        guildId: draft.guildId,
        userId: draft.userId,
        formId: draft.formId,
        communityId: draft.communityId,
        answers: draft.answers,
        ...(draft.note !== undefined ? { note: draft.note } : {}),
        [TABLE.ttlAttribute]: expiresAt,
      },
    }),
  );
}

/** The draft, if it exists, belongs to this community and has not expired. */
export async function loadDraft(core: Core, ref: DraftRef, communityId: string): Promise<Draft | undefined> {
  const { Item } = await core.store.doc.send(
    new GetCommand({ TableName: core.store.table, Key: draftKey(ref), ConsistentRead: true }),
  );
  const parsed = draftSchema.safeParse(Item);
  if (!parsed.success) return undefined;
  const draft = parsed.data;
  if (draft.communityId !== communityId || draft.userId !== ref.userId) return undefined;
  if (draft[TABLE.ttlAttribute] <= Math.floor(core.now().getTime() / 1000)) return undefined;
  return draft;
}
