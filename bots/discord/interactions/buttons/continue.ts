import { type APIInteractionResponse, InteractionResponseType } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import { loadDraft } from "../../drafts.js";
import { buildFormModal } from "../../form.js";
import type { ComponentInteraction } from "../../interaction.js";
import { pagedCommunity, receivedText, recordedForm } from "../form-flow.js";
import { originOf, say, sayInPlace } from "../reply.js";

/** "Continue" (also "Edit answers"): opens a page of the form, pre-filled from the draft. */
export async function continueButton(
  core: Core,
  i: ComponentInteraction,
  id: { communityId: string; formId: string; page: number },
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.SERVER_ONLY);
  const community = pagedCommunity(core, origin, id.communityId, id.page);
  if (!community) return sayInPlace(Messages.FORM_GONE);
  const [existing, draft] = await Promise.all([
    recordedForm(core, community, origin, id.formId),
    loadDraft(core, { guildId: origin.workspace, userId: origin.userId, formId: id.formId }, community.id),
  ]);
  if (existing) return sayInPlace(receivedText(existing));
  if (!draft) return sayInPlace(Messages.FORM_EXPIRED);
  return {
    type: InteractionResponseType.Modal,
    data: buildFormModal(community, id.formId, id.page, { answers: draft.answers, note: draft.note }),
  };
}
