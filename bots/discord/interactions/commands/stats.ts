import { type APIInteractionResponse, ApplicationCommandOptionType } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import { WINDOWS } from "../../../../core/stats.js";
import { insightsFor } from "../../../../core/usecases/queue.js";
import { COMMUNITY_OPTION, DAYS_OPTION } from "../../commands.js";
import { type CommandInteraction, ephemeral, stringOption } from "../../interaction.js";
import { renderInsights } from "../../queue.js";
import { originOf, say } from "../reply.js";

/** `/apply-stats [community] [days]`: the figures of the communities the moderator moderates here. */
export async function statsCommand(core: Core, i: CommandInteraction): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.SERVER_ONLY);
  const raw = i.data.options?.find(
    (o) => o.name === DAYS_OPTION && o.type === ApplicationCommandOptionType.Integer,
  );
  const days = WINDOWS.find((d) => d === raw?.value) ?? WINDOWS[0];
  const outcome = await insightsFor(core, origin, {
    communityId: stringOption(i.data, COMMUNITY_OPTION),
    days,
  });
  if (!Array.isArray(outcome)) {
    return outcome.kind === "forbidden"
      ? say(Messages.NOT_A_MODERATOR_HERE)
      : say(Messages.unknownCommunity(outcome.id, outcome.communities));
  }
  return ephemeral("", { embeds: renderInsights(outcome) });
}
