import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import { unclaim } from "../../../../core/usecases/claim.js";
import { claimReply } from "../../../../core/usecases/replies.js";
import { type ComponentInteraction, deferredUpdate } from "../../interaction.js";
import { originOf, say } from "../reply.js";

/** Unclaim on the card: only the claimer releases a claim; the worker edits the card. */
export async function unclaimButton(
  core: Core,
  i: ComponentInteraction,
  requestId: string,
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.NOT_A_MODERATOR);
  const reply = claimReply(await unclaim(core, origin, requestId));
  return reply ? say(reply) : deferredUpdate;
}
