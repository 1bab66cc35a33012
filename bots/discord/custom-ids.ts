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

export type CustomId =
  | { kind: "form" | "next"; communityId: string; formId: string; page: number }
  | { kind: "approve" | "deny" | "reason"; requestId: string };

const formSchema = z.tuple([z.enum(["form", "next"]), communityId, formId, page]);
const requestSchema = z.tuple([z.enum(["approve", "deny", "reason"]), requestId]);

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
  return undefined;
}

export const customIds = {
  form: (community: string, form: string, p: number) => `gk:form:${community}:${form}:${p}`,
  next: (community: string, form: string, p: number) => `gk:next:${community}:${form}:${p}`,
  approve: (request: string) => `gk:approve:${request}`,
  deny: (request: string) => `gk:deny:${request}`,
  reason: (request: string) => `gk:reason:${request}`,
};

/** Custom ids of the text inputs inside the form's modals. */
export const inputIds = {
  question: (id: string) => `q:${id}`,
  note: "note",
  reason: "reason",
};
