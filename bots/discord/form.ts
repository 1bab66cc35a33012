import { LabelBuilder, ModalBuilder, TextInputBuilder } from "@discordjs/builders";
import { type APIModalInteractionResponseCallbackData, TextInputStyle } from "discord-api-types/v10";
import * as z from "zod";
import type { Community, Question } from "../../core/config/schema.js";
import { customIds, inputIds } from "./custom-ids.js";
import { truncate } from "./escape.js";

/**
 * The application form as Discord modals. A modal holds at most five inputs, so the questions
 * plus the personal note are cut into pages of five; the handler pages through them with a
 * "Continue" button, keeping what was typed so far in a draft (see drafts.ts).
 */
export const INPUTS_PER_PAGE = 5;
const TITLE_MAX = 45;
const TEXT_INPUT_MAX = 4000;

export type FormInput = { kind: "question"; question: Question } | { kind: "note" };

export interface FormValues {
  answers: Record<string, string>;
  note?: string | undefined;
}

export function formInputs(community: Community): FormInput[] {
  return [
    ...community.questions.map((question) => ({ kind: "question" as const, question })),
    { kind: "note" as const },
  ];
}

export function pageCount(community: Community): number {
  return Math.ceil(formInputs(community).length / INPUTS_PER_PAGE);
}

export function pageInputs(community: Community, page: number): FormInput[] {
  return formInputs(community).slice((page - 1) * INPUTS_PER_PAGE, page * INPUTS_PER_PAGE);
}

/** The page a field (question id or `note`) is on. */
export function pageOf(community: Community, field: string): number {
  const index = formInputs(community).findIndex((i) =>
    i.kind === "note" ? field === "note" : i.question.id === field,
  );
  return index < 0 ? 1 : Math.floor(index / INPUTS_PER_PAGE) + 1;
}

export function modalTitle(community: Community, page: number): string {
  const pages = pageCount(community);
  const suffix = pages > 1 ? ` (${page}/${pages})` : "";
  return `${truncate(`Join ${community.name.replace(/\s+/g, " ")}`, TITLE_MAX - suffix.length)}${suffix}`;
}

/** One page of the form, pre-filled with whatever the applicant already typed. */
export function buildFormModal(
  community: Community,
  formId: string,
  page: number,
  values: FormValues = { answers: {} },
): APIModalInteractionResponseCallbackData {
  const labels = pageInputs(community, page).map((input) => {
    if (input.kind === "note") {
      const max = Math.min(community.note.maxLength, TEXT_INPUT_MAX);
      const text = new TextInputBuilder()
        .setCustomId(inputIds.note)
        .setStyle(TextInputStyle.Paragraph)
        .setRequired(community.note.required)
        .setMaxLength(max)
        .setPlaceholder("Say hello: who you are and what brings you here.");
      const prefill = values.note?.slice(0, max);
      if (prefill) text.setValue(prefill);
      return new LabelBuilder()
        .setLabel(
          community.note.required ? "A note for the moderators" : "A note for the moderators (optional)",
        )
        .setDescription(`At most ${max} characters.`)
        .setTextInputComponent(text);
    }
    const q = input.question;
    const max = Math.min(q.maxLength, TEXT_INPUT_MAX);
    const text = new TextInputBuilder()
      .setCustomId(inputIds.question(q.id))
      .setStyle(q.style === "paragraph" ? TextInputStyle.Paragraph : TextInputStyle.Short)
      .setRequired(q.required)
      .setMaxLength(max);
    if (q.minLength > 0) text.setMinLength(Math.min(q.minLength, max));
    if (q.placeholder) text.setPlaceholder(q.placeholder);
    const prefill = values.answers[q.id]?.slice(0, max);
    if (prefill) text.setValue(prefill);
    return new LabelBuilder().setLabel(q.label).setTextInputComponent(text);
  });
  return new ModalBuilder()
    .setCustomId(customIds.form(community.id, formId, page))
    .setTitle(modalTitle(community, page))
    .addLabelComponents(labels)
    .toJSON();
}

/** A text input as it comes back in a modal submit. */
const submittedInput = z.object({ type: z.number(), custom_id: z.string(), value: z.unknown().optional() });

/**
 * A modal submit's top-level components, in either shape Discord sends: the current one, a
 * Label (type 18) holding its `component`, or the older action row (type 1) of `components`.
 * Other kinds (text displays) carry no value.
 */
export const modalComponentsSchema = z.array(
  z.object({
    type: z.number(),
    component: submittedInput.optional(),
    components: z.array(submittedInput).optional(),
  }),
);
export type ModalComponents = z.infer<typeof modalComponentsSchema>;

const TEXT_INPUT = 4;

/** The submitted text values by custom id. */
export function textValues(components: ModalComponents): Map<string, string> {
  const values = new Map<string, string>();
  for (const top of components) {
    for (const input of [top.component, ...(top.components ?? [])]) {
      if (input?.type === TEXT_INPUT && typeof input.value === "string")
        values.set(input.custom_id, input.value);
    }
  }
  return values;
}

/** What one page contributed: answers to its questions, and the note if it is on this page. */
export function readPage(
  community: Community,
  page: number,
  values: Map<string, string>,
): FormValues & { hasNote: boolean } {
  const answers: Record<string, string> = {};
  let note: string | undefined;
  let hasNote = false;
  for (const input of pageInputs(community, page)) {
    if (input.kind === "note") {
      hasNote = true;
      note = values.get(inputIds.note);
    } else {
      const value = values.get(inputIds.question(input.question.id));
      if (value !== undefined) answers[input.question.id] = value;
    }
  }
  return { answers, note, hasNote };
}

const CHECKBOX = 23;

/** Whether a checkbox (type 23, inside a Label) was ticked in a modal submit. */
export function checkboxTicked(components: ModalComponents, customId: string): boolean {
  return components.some(
    (top) =>
      top.component?.type === CHECKBOX &&
      top.component.custom_id === customId &&
      top.component.value === true,
  );
}
