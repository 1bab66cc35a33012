import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import { status } from "../../../../core/usecases/status.js";
import type { CommandInteraction } from "../../interaction.js";
import { originOf, say } from "../reply.js";

/** `/apply-status`: the member's requests in this server. */
export async function statusCommand(core: Core, i: CommandInteraction): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.SERVER_ONLY);
  return say(Messages.status(await status(core, origin), "discord"));
}
