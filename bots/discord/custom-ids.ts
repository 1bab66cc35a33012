import * as z from "zod";

/**
 * Custom ids of the bot's modals and buttons. They carry only ids and a page number, never
 * answers or names, and everything read back is validated: a custom id is just text the client
 * sends, so it gets no more trust than any other input (the handler then checks the ids against
 * the guild, the user and the table).
 *
 * - `gk:form:<community>:<form>:<page>`  a page of the application form (modal)
 * - `gk:next:<community>:<form>:<page>`  the "Continue" button that opens that page
 * - `gk:approve:<request>` / `gk:deny:<request>`  the card's buttons
 * - `gk:reason:<request>`                the deny-reason modal
 * - `gk:ask:<request>` / `gk:question:<request>`  the card's "Ask a question" button and its modal
 * - `gk:claim:<request>` / `gk:unclaim:<request>`  the card's Claim and Unclaim buttons
 * - `gk:answer:<request>:<round>`        the Reply button under a question in the applicant's DM
 * - `gk:replied:<request>:<round>`       the reply modal
 *
 * `<form>` is the id of the `/apply` interaction that opened the form: one form, one request.
 */
const communityId = z.string().regex(/^[a-z0-9-]{2,40}$/);
const formId = z.string().regex(/^\d{15,21}$/);
const page = z
  .string()
  .regex(/^[1-5]$/)
  .transform(Number);
const requestId = z.string().regex(/^r[0-9a-f]{20}$/);

const round = z
  .string()
  .regex(/^[1-9]\d{0,2}$/)
  .transform(Number);

const REQUEST_KINDS = ["approve", "deny", "reason", "ask", "question", "claim", "unclaim"] as const;
const ROUND_KINDS = ["answer", "replied"] as const;

export type CustomId =
  | { kind: "form" | "next"; communityId: string; formId: string; page: number }
  | { kind: (typeof REQUEST_KINDS)[number]; requestId: string }
  | { kind: (typeof ROUND_KINDS)[number]; requestId: string; round: number };

const formSchema = z.tuple([z.enum(["form", "next"]), communityId, formId, page]);
const requestSchema = z.tuple([z.enum(REQUEST_KINDS), requestId]);
const roundSchema = z.tuple([z.enum(ROUND_KINDS), requestId, round]);

export function parseCustomId(value: string): CustomId | undefined {
  const parts = value.split(":");
  if (parts[0] !== "gk") return undefined;
  const rest = parts.slice(1);
  const form = formSchema.safeParse(rest);
  if (form.success) {
    const [kind, community, form_, p] = form.data;
    return { kind, communityId: community, formId: form_, page: p };
  }
  const request = requestSchema.safeParse(rest);
  if (request.success) return { kind: request.data[0], requestId: request.data[1] };
  const answer = roundSchema.safeParse(rest);
  if (answer.success) return { kind: answer.data[0], requestId: answer.data[1], round: answer.data[2] };
  return undefined;
}

export const customIds = {
  form: (community: string, form: string, p: number) => `gk:form:${community}:${form}:${p}`,
  next: (community: string, form: string, p: number) => `gk:next:${community}:${form}:${p}`,
  approve: (request: string) => `gk:approve:${request}`,
  deny: (request: string) => `gk:deny:${request}`,
  reason: (request: string) => `gk:reason:${request}`,
  ask: (request: string) => `gk:ask:${request}`,
  question: (request: string) => `gk:question:${request}`,
  claim: (request: string) => `gk:claim:${request}`,
  unclaim: (request: string) => `gk:unclaim:${request}`,
  answer: (request: string, n: number) => `gk:answer:${request}:${n}`,
  replied: (request: string, n: number) => `gk:replied:${request}:${n}`,
};

/** Custom ids of the text inputs inside the form's modals. */
export const inputIds = {
  question: (id: string) => `q:${id}`,
  note: "note",
  reason: "reason",
  /** The deny form's "also block" checkbox. */
  block: "block",
  /** The question modal's input, and the reply modal's. */
  ask: "ask",
  reply: "reply",
};
