import { LabelBuilder, ModalBuilder, TextDisplayBuilder, TextInputBuilder } from "@discordjs/builders";
import { type APIInteractionResponse, InteractionResponseType, TextInputStyle } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import { REPLY_MAX } from "../../../../core/limits.js";
import * as Messages from "../../../../core/messages.js";
import { type Applicant, replyForm } from "../../../../core/usecases/interview.js";
import { replyReply } from "../../../../core/usecases/replies.js";
import { customIds, inputIds } from "../../custom-ids.js";
import { truncate } from "../../escape.js";
import { actorOf, type ComponentInteraction, type UserInteraction } from "../../interaction.js";
import { toMarkdown } from "../../render.js";
import { say } from "../reply.js";

/** Text display content in a modal: at most 4000 characters. */
const DISPLAY_MAX = 4000;

/** The applicant, as Discord identified them: in a DM there is no server, only the user. */
export function applicantOf(i: UserInteraction): Applicant {
  return { platform: "discord", userId: actorOf(i).id, workspace: i.guild_id };
}

/**
 * The Reply button under a moderator's question (in the applicant's DM): the reply modal, with the
 * question shown above the box, while the question waits for this applicant; otherwise why not.
 */
export async function answerButton(
  core: Core,
  i: ComponentInteraction,
  id: { requestId: string; round: number },
): Promise<APIInteractionResponse> {
  const outcome = await replyForm(core, applicantOf(i), id);
  if (outcome.kind !== "form") return say(replyReply(outcome, "discord"));
  const modal = new ModalBuilder()
    .setCustomId(customIds.replied(outcome.request.id, outcome.round.n))
    .setTitle(Messages.REPLY_FORM.title)
    .addTextDisplayComponents(
      new TextDisplayBuilder().setContent(toMarkdown([[outcome.round.question]], DISPLAY_MAX)),
    )
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(Messages.REPLY_FORM.replyLabel)
        .setDescription(truncate(Messages.REPLY_FORM.replyHint(REPLY_MAX), 100))
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId(inputIds.reply)
            .setStyle(TextInputStyle.Paragraph)
            .setRequired(true)
            .setMaxLength(REPLY_MAX),
        ),
    );
  return { type: InteractionResponseType.Modal, data: modal.toJSON() };
}
