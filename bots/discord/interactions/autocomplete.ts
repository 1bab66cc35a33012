import { type APIInteractionResponse, InteractionResponseType } from "discord-api-types/v10";
import * as Communities from "../../../core/communities.js";
import type { Core } from "../../../core/context.js";
import { truncate } from "../escape.js";
import { type AutocompleteInteraction, focusedOption } from "../interaction.js";

/** The community option's suggestions: this server's communities matching what was typed. */
export function autocomplete(core: Core, i: AutocompleteInteraction): APIInteractionResponse {
  const typed = focusedOption(i.data)?.value.trim().toLowerCase() ?? "";
  const here = i.guild_id ? Communities.inWorkspace(core, "discord", i.guild_id) : [];
  const choices = here
    .filter((c) => !typed || c.id.includes(typed) || c.name.toLowerCase().includes(typed))
    .slice(0, 25)
    .map((c) => ({ name: truncate(`${c.name} (${c.id})`, 100), value: c.id }));
  return { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } };
}
