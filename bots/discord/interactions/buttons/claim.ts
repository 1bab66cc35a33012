import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import { claim } from "../../../../core/usecases/claim.js";
import { claimReply } from "../../../../core/usecases/replies.js";
import { type ComponentInteraction, deferredUpdate } from "../../interaction.js";
import { originOf, say } from "../reply.js";

/** Claim on the card: of two claims at once one wins; the worker edits the card. */
export async function claimButton(
  core: Core,
  i: ComponentInteraction,
  requestId: string,
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.NOT_A_MODERATOR);
  const reply = claimReply(await claim(core, origin, requestId));
  return reply ? say(reply) : deferredUpdate;
}
