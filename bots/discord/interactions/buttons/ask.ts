import { LabelBuilder, ModalBuilder, TextInputBuilder } from "@discordjs/builders";
import { type APIInteractionResponse, InteractionResponseType, TextInputStyle } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import { QUESTION_MAX } from "../../../../core/limits.js";
import * as Messages from "../../../../core/messages.js";
import { askForm } from "../../../../core/usecases/interview.js";
import { askReply } from "../../../../core/usecases/replies.js";
import { customIds, inputIds } from "../../custom-ids.js";
import { truncate } from "../../escape.js";
import type { ComponentInteraction } from "../../interaction.js";
import { originOf, say } from "../reply.js";

const TITLE_MAX = 45;

/** "Ask a question" on the card: the question modal, for a moderator of a pending request with no open question. */
export async function askButton(
  core: Core,
  i: ComponentInteraction,
  requestId: string,
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.NOT_A_MODERATOR);
  const outcome = await askForm(core, origin, requestId);
  if (outcome.kind !== "form") return say(askReply(outcome) ?? Messages.REQUEST_GONE);
  const modal = new ModalBuilder()
    .setCustomId(customIds.question(outcome.request.id))
    .setTitle(
      truncate(
        `${Messages.ASK_FORM.title}: ${outcome.request.applicant.name.replace(/\s+/g, " ")}`,
        TITLE_MAX,
      ),
    )
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(truncate(Messages.ASK_FORM.questionLabel, 45))
        .setDescription(truncate(Messages.ASK_FORM.questionHint, 100))
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId(inputIds.ask)
            .setStyle(TextInputStyle.Paragraph)
            .setRequired(true)
            .setMaxLength(QUESTION_MAX),
        ),
    );
  return { type: InteractionResponseType.Modal, data: modal.toJSON() };
}
