import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import { ask } from "../../../../core/usecases/interview.js";
import { askReply } from "../../../../core/usecases/replies.js";
import { inputIds } from "../../custom-ids.js";
import { textValues } from "../../form.js";
import { deferredUpdate, type ModalInteraction } from "../../interaction.js";
import { originOf, say } from "../reply.js";

/**
 * The question modal comes back: the ask use case records it; the DM to the applicant, the thread
 * post and the card update are outbox work. Otherwise the moderator is told why not.
 */
export async function questionModal(
  core: Core,
  i: ModalInteraction,
  requestId: string,
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.NOT_A_MODERATOR);
  const question = textValues(i.data.components).get(inputIds.ask);
  const reply = askReply(await ask(core, origin, { requestId, question }));
  if (reply) return say(reply);
  return i.message ? deferredUpdate : say(Messages.QUESTION_SENT);
}
