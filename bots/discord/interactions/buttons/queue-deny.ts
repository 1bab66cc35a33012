import { LabelBuilder, ModalBuilder, TextInputBuilder } from "@discordjs/builders";
import { type APIInteractionResponse, InteractionResponseType, TextInputStyle } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import { REASON_MAX } from "../../../../core/limits.js";
import * as Messages from "../../../../core/messages.js";
import * as Selections from "../../../../core/selections.js";
import { customIds, inputIds } from "../../custom-ids.js";
import type { ComponentInteraction } from "../../interaction.js";
import { originOf, sayInPlace } from "../reply.js";

/** "Deny selected": like Deny on a card, asks for a reason first (optional: each request's failed rules otherwise). */
export async function queueDenyButton(
  core: Core,
  i: ComponentInteraction,
  selectionId: string,
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return sayInPlace(Messages.NOT_A_MODERATOR_HERE);
  const selection = await Selections.load(core, selectionId, origin);
  if (!selection) return sayInPlace(Messages.SELECTION_GONE);
  const modal = new ModalBuilder()
    .setCustomId(customIds.queueReason(selectionId))
    .setTitle(`${Messages.BULK_DENY_FORM.title} (${selection.requestIds.length})`.slice(0, 45))
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(Messages.BULK_DENY_FORM.reasonLabel)
        .setDescription(Messages.BULK_DENY_FORM.reasonHint)
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId(inputIds.reason)
            .setStyle(TextInputStyle.Paragraph)
            .setRequired(false)
            .setMaxLength(REASON_MAX),
        ),
    );
  return { type: InteractionResponseType.Modal, data: modal.toJSON() };
}
