import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import { decide } from "../../../../core/usecases/decide.js";
import { decisionReply } from "../../../../core/usecases/replies.js";
import { inputIds } from "../../custom-ids.js";
import { checkboxTicked, textValues } from "../../form.js";
import { deferredUpdate, type ModalInteraction } from "../../interaction.js";
import { originOf, say } from "../reply.js";

/** The deny-reason modal comes back: the decide use case records the denial with the reason. */
export async function denyReason(
  core: Core,
  i: ModalInteraction,
  requestId: string,
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.NOT_A_MODERATOR);
  const reason = textValues(i.data.components).get(inputIds.reason);
  const block = checkboxTicked(i.data.components, inputIds.block);
  const reply = decisionReply(await decide(core, origin, { requestId, outcome: "deny", reason, block }));
  if (reply) return say(reply);
  // From the card's button, the worker edits the card; otherwise a short confirmation.
  return i.message ? deferredUpdate : say(Messages.DONE);
}
