import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import { decide } from "../../../../core/usecases/decide.js";
import { decisionReply } from "../../../../core/usecases/replies.js";
import { type ComponentInteraction, deferredUpdate } from "../../interaction.js";
import { originOf, say } from "../reply.js";

/** Approve on the card: recorded by the decide use case; the worker edits the card, grants and notifies. */
export async function approveButton(
  core: Core,
  i: ComponentInteraction,
  requestId: string,
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.NOT_A_MODERATOR);
  const reply = decisionReply(await decide(core, origin, { requestId, outcome: "approve" }));
  return reply ? say(reply) : deferredUpdate;
}
