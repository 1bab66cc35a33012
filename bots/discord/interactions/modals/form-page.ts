import type { ButtonBuilder } from "@discordjs/builders";
import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import type { Text } from "../../../../core/text.js";
import { submit } from "../../../../core/usecases/submit.js";
import { loadDraft, saveDraft } from "../../drafts.js";
import { pageCount, pageOf, readPage, textValues } from "../../form.js";
import type { ModalInteraction } from "../../interaction.js";
import { profileFromInteraction } from "../../profile.js";
import {
  buttonRow,
  continueButton,
  pagedCommunity,
  receivedText,
  recordedForm,
  submissionKey,
} from "../form-flow.js";
import { originOf, say, sayInPlace } from "../reply.js";

/** A page of the form was submitted: keep it and offer the next page, or record the request. */
export async function formPage(
  core: Core,
  i: ModalInteraction,
  id: { communityId: string; formId: string; page: number },
): Promise<APIInteractionResponse> {
  // A modal opened from the "Continue" button replaces that button's message; the first one answers anew.
  const reply = (text: Text, buttons: ButtonBuilder[] = []) => {
    const components = buttons.length > 0 ? [buttonRow(...buttons)] : [];
    return i.message ? sayInPlace(text, { components }) : say(text, { components });
  };
  const origin = originOf(i);
  if (!origin) return say(Messages.SERVER_ONLY);
  const community = pagedCommunity(core, origin, id.communityId, id.page);
  if (!community) return reply(Messages.FORM_GONE);
  const total = pageCount(community);
  const ref = { guildId: origin.workspace, userId: origin.userId, formId: id.formId };

  const draft = total > 1 || id.page > 1 ? await loadDraft(core, ref, community.id) : undefined;
  if (id.page > 1 && !draft) {
    const existing = await recordedForm(core, community, origin, id.formId);
    return reply(existing ? receivedText(existing) : Messages.FORM_EXPIRED);
  }
  const page = readPage(community, id.page, textValues(i.data.components));
  const answers = { ...draft?.answers, ...page.answers };
  const note = page.hasNote ? page.note : draft?.note;

  if (id.page < total) {
    await saveDraft(core, { ...ref, communityId: community.id, answers, note });
    return reply(Messages.pageSaved(id.page, total), [
      continueButton(community, id.formId, id.page + 1, Messages.FORM_BUTTONS.next),
    ]);
  }

  const outcome = await submit(core, origin, {
    communityId: community.id,
    submissionKey: submissionKey(origin.userId, id.formId),
    answers,
    note,
    profile: profileFromInteraction(i),
  });
  switch (outcome.kind) {
    case "gone":
      return reply(Messages.FORM_GONE);
    case "invalid": {
      await saveDraft(core, { ...ref, communityId: community.id, answers, note });
      const first = outcome.errors[0]?.field ?? "note";
      return reply(Messages.answersNeedALook(community, outcome.errors), [
        continueButton(community, id.formId, pageOf(community, first), Messages.FORM_BUTTONS.edit),
      ]);
    }
    case "refused":
      return reply(Messages.refusal(community, outcome.refusal));
    case "recorded":
      return reply(receivedText(outcome));
  }
}
