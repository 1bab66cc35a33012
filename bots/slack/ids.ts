import * as z from "zod";

/**
 * Identifiers the bot puts into Slack surfaces and reads back: callback ids, action ids, block
 * ids and the `private_metadata` of its modals. Whatever comes back is validated with these.
 */
/** The one slash command. */
export const APPLY_COMMAND = "/apply";

export const CALLBACK = {
  /** The application form. */
  apply: "gk_apply",
  /** The moderator's deny-reason modal. */
  denyReason: "gk_deny_reason",
} as const;

export const ACTION = {
  approve: "gk_approve",
  deny: "gk_deny",
  /** The action id of every text input (the block id tells them apart). */
  input: "value",
} as const;

export const BLOCK = {
  /** One input block per question: `q:<question id>`. */
  question: (questionId: string) => `q:${questionId}`,
  note: "note",
  reason: "reason",
} as const;

/** Request ids as the core makes them (`requestIdFor`). */
export const requestIdSchema = z.string().regex(/^r[0-9a-f]{20}$/, "a request id");

/** What the application form carries: the community id only; the community is re-read from config. */
export const applyMetadataSchema = z.object({ c: z.string().regex(/^[a-z0-9-]{2,40}$/) }).strict();
export type ApplyMetadata = z.infer<typeof applyMetadataSchema>;

/** What the deny-reason modal carries: the request id, and the card's channel for ephemeral replies. */
export const denyMetadataSchema = z
  .object({
    r: requestIdSchema,
    ch: z
      .string()
      .regex(/^[CGD][A-Z0-9]{2,}$/)
      .optional(),
  })
  .strict();
export type DenyMetadata = z.infer<typeof denyMetadataSchema>;

/** Parses JSON `private_metadata` against a schema; undefined when it is not what the bot wrote. */
export function readMetadata<T>(raw: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (!raw) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
