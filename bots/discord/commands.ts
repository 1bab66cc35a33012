import { SlashCommandBuilder } from "@discordjs/builders";
import {
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord-api-types/v10";

/**
 * The slash commands: one definition, used by the interaction handler (names, options) and by
 * `gatekeeper discord register`. Server-only: applying is about joining a server's community.
 */
export const COMMANDS = {
  apply: "apply",
  status: "apply-status",
  withdraw: "apply-withdraw",
  queue: "apply-queue",
  stats: "apply-stats",
} as const;

export const DAYS_OPTION = "days";

export const COMMUNITY_OPTION = "community";

export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const base = (name: string, description: string) =>
    new SlashCommandBuilder()
      .setName(name)
      .setDescription(description)
      .setContexts(InteractionContextType.Guild)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);
  return [
    base(COMMANDS.apply, "Ask to join a community of this server")
      .addStringOption((o) =>
        o
          .setName(COMMUNITY_OPTION)
          .setDescription("Which community (leave empty to see the list)")
          .setAutocomplete(true)
          .setRequired(false),
      )
      .toJSON(),
    base(COMMANDS.status, "See your join requests and where they stand").toJSON(),
    base(COMMANDS.withdraw, "Withdraw a pending join request")
      .addStringOption((o) =>
        o
          .setName(COMMUNITY_OPTION)
          .setDescription("Which community's request")
          .setAutocomplete(true)
          .setRequired(false),
      )
      .toJSON(),
    base(COMMANDS.queue, "Moderators: the join requests waiting for review, to decide one or many")
      .addStringOption((o) =>
        o
          .setName(COMMUNITY_OPTION)
          .setDescription("Which community (leave empty if you moderate one)")
          .setAutocomplete(true)
          .setRequired(false),
      )
      .toJSON(),
    base(COMMANDS.stats, "Moderators: how the door is doing (requests, decisions, time to decision)")
      .addStringOption((o) =>
        o
          .setName(COMMUNITY_OPTION)
          .setDescription("Which community (leave empty for all you moderate)")
          .setAutocomplete(true)
          .setRequired(false),
      )
      .addIntegerOption((o) =>
        o
          .setName(DAYS_OPTION)
          .setDescription("Over how many days (7 by default)")
          .setRequired(false)
          .addChoices(
            { name: "7 days", value: 7 },
            { name: "30 days", value: 30 },
            { name: "90 days", value: 90 },
          ),
      )
      .toJSON(),
  ];
}
