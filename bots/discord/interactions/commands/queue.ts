import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import { queuePage } from "../../../../core/usecases/queue.js";
import { COMMUNITY_OPTION } from "../../commands.js";
import { type CommandInteraction, stringOption } from "../../interaction.js";
import { queueAnswer } from "../queue-reply.js";
import { originOf, say } from "../reply.js";

/** `/apply-queue [community]`: a moderator's queue, first page, as an ephemeral message. */
export async function queueCommand(core: Core, i: CommandInteraction): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.SERVER_ONLY);
  const outcome = await queuePage(core, origin, { communityId: stringOption(i.data, COMMUNITY_OPTION) });
  return queueAnswer(outcome, "new");
}
