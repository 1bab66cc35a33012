import { CheckboxBuilder, LabelBuilder, ModalBuilder, TextInputBuilder } from "@discordjs/builders";
import { type APIInteractionResponse, InteractionResponseType, TextInputStyle } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import { REASON_MAX } from "../../../../core/limits.js";
import * as Messages from "../../../../core/messages.js";
import { denyForm } from "../../../../core/usecases/decide.js";
import { decisionReply } from "../../../../core/usecases/replies.js";
import { customIds, inputIds } from "../../custom-ids.js";
import { truncate } from "../../escape.js";
import type { ComponentInteraction } from "../../interaction.js";
import { originOf, say } from "../reply.js";

const TITLE_MAX = 45;

/** Deny on the card: asks for a reason first, in a modal pre-filled with the failed rules. */
export async function denyButton(
  core: Core,
  i: ComponentInteraction,
  requestId: string,
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.NOT_A_MODERATOR);
  const outcome = await denyForm(core, origin, requestId);
  if (outcome.kind !== "form") return say(decisionReply(outcome) ?? Messages.REQUEST_GONE);
  const input = new TextInputBuilder()
    .setCustomId(inputIds.reason)
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(false)
    .setMaxLength(REASON_MAX);
  const prefill = truncate(outcome.prefill, REASON_MAX);
  if (prefill) input.setValue(prefill);
  const modal = new ModalBuilder()
    .setCustomId(customIds.reason(outcome.request.id))
    .setTitle(
      truncate(
        `${Messages.DENY_FORM.title}: ${outcome.request.applicant.name.replace(/\s+/g, " ")}`,
        TITLE_MAX,
      ),
    )
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(Messages.DENY_FORM.reasonLabel)
        .setDescription(Messages.DENY_FORM.reasonHint)
        .setTextInputComponent(input),
      new LabelBuilder()
        .setLabel(Messages.BLOCK_OPTION.label)
        .setDescription(truncate(Messages.BLOCK_OPTION.hint(outcome.community), 100))
        .setCheckboxComponent(new CheckboxBuilder().setCustomId(inputIds.block)),
    );
  return { type: InteractionResponseType.Modal, data: modal.toJSON() };
}
