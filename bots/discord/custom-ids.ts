import * as z from "zod";
import { type QueueFilter, queueFilterSchema } from "../../core/queue.js";

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
 * - `gk:qv:<community>:<filter>:<page>`  the queue message's filter buttons (`qn`: its page buttons;
 *   custom ids are unique within a message)
 * - `gk:qs:<community>:<filter>:<page>`  its select of requests
 * - `gk:qa:<selection>` / `gk:qd:<selection>`  approve / deny the selected requests (`0`: none yet)
 * - `gk:qr:<selection>`                  the reason modal of "deny selected"
 * - `gk:qp:<community>:<filter>`         approve all that pass every rule
 *
 * `<form>` is the id of the `/apply` interaction that opened the form: one form, one request.
 * `<selection>` is the id of the select interaction that stored the selection (core/selections.ts).
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
  | { kind: (typeof ROUND_KINDS)[number]; requestId: string; round: number }
  | { kind: "queue-view" | "queue-select"; communityId: string; filter: QueueFilter; page: number }
  | { kind: "queue-approve" | "queue-deny" | "queue-reason"; selectionId: string }
  | { kind: "queue-passing"; communityId: string; filter: QueueFilter };

const queuePage = z
  .string()
  .regex(/^\d{1,4}$/)
  .transform(Number);
const selectionId = z.string().regex(/^\d{1,21}$/);
const queueViewSchema = z.tuple([z.enum(["qv", "qn", "qs"]), communityId, queueFilterSchema, queuePage]);
const selectionSchema = z.tuple([z.enum(["qa", "qd", "qr"]), selectionId]);
const passingSchema = z.tuple([z.literal("qp"), communityId, queueFilterSchema]);
const QUEUE_KINDS = {
  qv: "queue-view",
  qn: "queue-view",
  qs: "queue-select",
  qa: "queue-approve",
  qd: "queue-deny",
  qr: "queue-reason",
} as const;

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
  const view = queueViewSchema.safeParse(rest);
  if (view.success) {
    const [kind, community, filter, p] = view.data;
    return { kind: QUEUE_KINDS[kind], communityId: community, filter, page: p };
  }
  const selection = selectionSchema.safeParse(rest);
  if (selection.success) return { kind: QUEUE_KINDS[selection.data[0]], selectionId: selection.data[1] };
  const passing = passingSchema.safeParse(rest);
  if (passing.success)
    return { kind: "queue-passing", communityId: passing.data[1], filter: passing.data[2] };
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
  queueView: (community: string, filter: QueueFilter, p: number) => `gk:qv:${community}:${filter}:${p}`,
  queueNav: (community: string, filter: QueueFilter, p: number) => `gk:qn:${community}:${filter}:${p}`,
  queueSelect: (community: string, filter: QueueFilter, p: number) => `gk:qs:${community}:${filter}:${p}`,
  queueApprove: (selection: string) => `gk:qa:${selection}`,
  queueDeny: (selection: string) => `gk:qd:${selection}`,
  queueReason: (selection: string) => `gk:qr:${selection}`,
  queuePassing: (community: string, filter: QueueFilter) => `gk:qp:${community}:${filter}`,
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
