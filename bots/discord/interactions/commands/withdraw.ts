import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import { withdraw } from "../../../../core/usecases/withdraw.js";
import { COMMUNITY_OPTION } from "../../commands.js";
import { type CommandInteraction, stringOption } from "../../interaction.js";
import { originOf, say } from "../reply.js";

/** `/apply-withdraw [community]`: withdraws an open request. */
export async function withdrawCommand(core: Core, i: CommandInteraction): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.SERVER_ONLY);
  const outcome = await withdraw(core, origin, stringOption(i.data, COMMUNITY_OPTION));
  switch (outcome.kind) {
    case "withdrawn":
      return say(Messages.withdrawn(outcome.community));
    case "nothing":
      return say(Messages.nothingToWithdraw(outcome.community));
    case "none-open":
      return say(Messages.NOTHING_OPEN);
    case "choose":
      return say(Messages.chooseWithdrawal(outcome.communities, "discord"));
    case "unknown":
      return say(Messages.unknownCommunity(outcome.id, outcome.communities));
  }
}
