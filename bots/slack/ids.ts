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
  /** The moderator's question to the applicant. */
  ask: "gk_ask_question",
  /** The applicant's reply to a question. */
  reply: "gk_reply",
  /** The reason modal of "Deny selected" on the App Home. */
  homeDeny: "gk_home_deny",
} as const;

export const ACTION = {
  approve: "gk_approve",
  deny: "gk_deny",
  ask: "gk_ask",
  claim: "gk_claim",
  unclaim: "gk_unclaim",
  /** The Reply button under a question in the applicant's DM (value `<request>:<round>`). */
  reply: "gk_reply_open",
  /** The action id of every text input (the block id tells them apart). */
  input: "value",
} as const;

export const BLOCK = {
  /** One input block per question: `q:<question id>`. */
  question: (questionId: string) => `q:${questionId}`,
  note: "note",
  reason: "reason",
  /** The deny form's "also block" checkbox. */
  block: "block",
  /** The question modal's input. */
  ask: "ask",
  /** The reply modal's input. */
  reply: "reply",
} as const;

/** The value of the deny form's block checkbox. */
export const BLOCK_VALUE = "block";
/**
 * The App Home's own controls. Action ids are unique within a block, so a family of buttons in one
 * block shares a prefix (`gk_home_filter:passing`); their value is `<community>|<choice>`.
 */
export const HOME_ACTION = {
  filter: "gk_home_filter:",
  page: "gk_home_page:",
  window: "gk_home_window:",
  bulk: "gk_home_bulk",
  open: "gk_home_open",
  /** The page's multi-select of requests: `gk_home_select:<community>` (a select carries no value). */
  select: "gk_home_select:",
  /** "Approve selected" / "Deny selected": `gk_home_selected:approve`, value `<community>|approve`. */
  selected: "gk_home_selected:",
} as const;

export const homeValue = (communityId: string, choice: string | number): string => `${communityId}|${choice}`;

const communityIdSchema = z.string().regex(/^[a-z0-9-]{2,40}$/);

/** A home control's value, read back: the community and the choice. */
export function readHomeValue(
  value: string | undefined,
): { communityId: string; choice: string } | undefined {
  const [community, choice, extra] = (value ?? "").split("|");
  if (extra !== undefined || choice === undefined || !communityIdSchema.safeParse(community).success)
    return undefined;
  return { communityId: community as string, choice };
}

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

/** What the question modal carries: the request id, and the card's channel. */
export const askMetadataSchema = denyMetadataSchema;

/** What the reply modal carries: the request id and the round. */
export const replyMetadataSchema = z
  .object({ r: requestIdSchema, n: z.number().int().min(1).max(999) })
  .strict();
export type ReplyMetadata = z.infer<typeof replyMetadataSchema>;

/** The Reply button's value: `<request>:<round>`. */
export const replyButtonValue = (requestId: string, round: number) => `${requestId}:${round}`;
export function parseReplyButton(
  value: string | undefined,
): { requestId: string; round: number } | undefined {
  const match = /^(r[0-9a-f]{20}):(\d{1,3})$/.exec(value ?? "");
  return match?.[1] && match[2] ? { requestId: match[1], round: Number(match[2]) } : undefined;
}
/** What the "Deny selected" modal carries: the community whose selection it denies. */
export const homeDenyMetadataSchema = z.object({ c: communityIdSchema }).strict();
export type HomeDenyMetadata = z.infer<typeof homeDenyMetadataSchema>;

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
