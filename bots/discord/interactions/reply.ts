import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Text } from "../../../core/text.js";
import type { Origin } from "../../../core/usecases/origin.js";
import { actorOf, displayName, ephemeral, type UserInteraction, updateMessage } from "../interaction.js";
import { toMarkdown } from "../render.js";

/** The core's words as an ephemeral answer. */
export function say(text: Text, extra: Parameters<typeof ephemeral>[1] = {}): APIInteractionResponse {
  return ephemeral(toMarkdown(text), extra);
}

/** The core's words replacing the message the clicked component (or its modal) belongs to. */
export function sayInPlace(
  text: Text,
  extra: Parameters<typeof updateMessage>[1] = {},
): APIInteractionResponse {
  return updateMessage(toMarkdown(text), extra);
}

/** Who is interacting, from where: undefined outside a server (DMs), where nothing here applies. */
export function originOf(i: UserInteraction): Origin | undefined {
  if (!i.guild_id || !i.member) return undefined;
  return {
    platform: "discord",
    workspace: i.guild_id,
    userId: actorOf(i).id,
    name: displayName(i),
    roles: i.member.roles,
  };
}
