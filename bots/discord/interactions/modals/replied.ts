import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import { reply } from "../../../../core/usecases/interview.js";
import { replyReply } from "../../../../core/usecases/replies.js";
import { inputIds } from "../../custom-ids.js";
import { textValues } from "../../form.js";
import type { ModalInteraction } from "../../interaction.js";
import { applicantOf } from "../buttons/answer.js";
import { say } from "../reply.js";

/**
 * The applicant's reply comes back: recorded once (threaded under the card by the outbox) and
 * acknowledged privately; a reply to a request decided meanwhile (or already answered, or too
 * late) is refused politely.
 */
export async function repliedModal(
  core: Core,
  i: ModalInteraction,
  id: { requestId: string; round: number },
): Promise<APIInteractionResponse> {
  const text = textValues(i.data.components).get(inputIds.reply);
  const outcome = await reply(core, applicantOf(i), { ...id, text });
  return say(replyReply(outcome, "discord"));
}
