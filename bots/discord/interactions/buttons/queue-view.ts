import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import type { QueueFilter } from "../../../../core/queue.js";
import { queuePage } from "../../../../core/usecases/queue.js";
import type { ComponentInteraction } from "../../interaction.js";
import { queueAnswer } from "../queue-reply.js";
import { originOf, sayInPlace } from "../reply.js";

/** A filter or page button of the queue message: the message shows that page (read afresh). */
export async function queueViewButton(
  core: Core,
  i: ComponentInteraction,
  id: { communityId: string; filter: QueueFilter; page: number },
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return sayInPlace(Messages.NOT_A_MODERATOR_HERE);
  return queueAnswer(await queuePage(core, origin, id), "in-place");
}
