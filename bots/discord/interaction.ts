import {
  type APIInteractionResponse,
  type APIInteractionResponseCallbackData,
  ApplicationCommandOptionType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
} from "discord-api-types/v10";
import * as z from "zod";
import { NO_MENTIONS } from "./escape.js";
import { modalComponentsSchema } from "./form.js";

/**
 * Incoming interactions, validated with zod. Only the fields the bot reads are declared (the
 * rest is dropped); names and numbers follow `discord-api-types/v10`.
 */
const snowflake = z.string().regex(/^\d{15,21}$/);

export const userSchema = z.object({
  id: snowflake,
  username: z.string(),
  global_name: z.string().nullish(),
  avatar: z.string().nullish(),
  bot: z.boolean().optional(),
});

export const memberSchema = z.object({
  user: userSchema,
  roles: z.array(snowflake),
  joined_at: z.string().nullish(),
  nick: z.string().nullish(),
  avatar: z.string().nullish(),
});

const base = {
  id: snowflake,
  application_id: snowflake,
  token: z.string().min(1),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  member: memberSchema.optional(),
  user: userSchema.optional(),
};

const commandOption = z.object({
  name: z.string(),
  type: z.number(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  focused: z.boolean().optional(),
});

const commandData = z.object({ name: z.string(), options: z.array(commandOption).optional() });
const messageRef = z.object({ id: snowflake, channel_id: snowflake.optional() });

export const interactionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal(InteractionType.Ping), id: snowflake, application_id: snowflake }),
  z.object({ ...base, type: z.literal(InteractionType.ApplicationCommand), data: commandData }),
  z.object({ ...base, type: z.literal(InteractionType.ApplicationCommandAutocomplete), data: commandData }),
  z.object({
    ...base,
    type: z.literal(InteractionType.MessageComponent),
    data: z.object({
      custom_id: z.string().max(100),
      component_type: z.number(),
      /** A select menu's chosen values. */
      values: z.array(z.string().max(100)).max(25).optional(),
    }),
    message: messageRef,
  }),
  z.object({
    ...base,
    type: z.literal(InteractionType.ModalSubmit),
    data: z.object({ custom_id: z.string().max(100), components: modalComponentsSchema }),
    /** Present when the modal was opened from a message component (a button). */
    message: messageRef.optional(),
  }),
]);

export type Interaction = z.infer<typeof interactionSchema>;

export type ParsedInteraction =
  | { ok: true; interaction: Interaction }
  | { ok: false; why: "not JSON" | "not an interaction"; issues?: string[] };

/**
 * A signed request body as an interaction the bot handles, or why not (never a throw). The
 * issues name paths only: the values are the user's.
 */
export function parseInteraction(body: string): ParsedInteraction {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, why: "not JSON" };
  }
  const parsed = interactionSchema.safeParse(json);
  if (parsed.success) return { ok: true, interaction: parsed.data };
  return {
    ok: false,
    why: "not an interaction",
    issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(root)"}: ${i.code}`),
  };
}
export type CommandInteraction = Extract<Interaction, { type: InteractionType.ApplicationCommand }>;
export type AutocompleteInteraction = Extract<
  Interaction,
  { type: InteractionType.ApplicationCommandAutocomplete }
>;
export type ComponentInteraction = Extract<Interaction, { type: InteractionType.MessageComponent }>;
export type ModalInteraction = Extract<Interaction, { type: InteractionType.ModalSubmit }>;
export type UserInteraction = Exclude<Interaction, { type: InteractionType.Ping }>;
export type DiscordUser = z.infer<typeof userSchema>;
export type DiscordMember = z.infer<typeof memberSchema>;

/** Who is interacting: in a guild Discord sends `member.user`, in DMs `user`. */
export function actorOf(i: UserInteraction): DiscordUser {
  const user = i.member?.user ?? i.user;
  if (!user) throw new Error("interaction without a user");
  return user;
}

/** The name to show for a member: server nickname, display name, or username. */
export function displayName(i: UserInteraction): string {
  const user = actorOf(i);
  return i.member?.nick || user.global_name || user.username;
}

export function stringOption(data: z.infer<typeof commandData>, name: string): string | undefined {
  const option = data.options?.find((o) => o.name === name && o.type === ApplicationCommandOptionType.String);
  return typeof option?.value === "string" ? option.value : undefined;
}

export function focusedOption(
  data: z.infer<typeof commandData>,
): { name: string; value: string } | undefined {
  const option = data.options?.find((o) => o.focused);
  return option ? { name: option.name, value: String(option.value ?? "") } : undefined;
}

// Answers. Every message the bot sends sets allowed_mentions so nothing it says can ping.

export function ephemeral(
  content: string,
  extra: Omit<APIInteractionResponseCallbackData, "content" | "flags" | "allowed_mentions"> = {},
): APIInteractionResponse {
  return {
    type: InteractionResponseType.ChannelMessageWithSource,
    data: { ...extra, content, flags: MessageFlags.Ephemeral, allowed_mentions: NO_MENTIONS },
  };
}

/** Replaces the message the clicked component (or the modal it opened) belongs to. */
export function updateMessage(
  content: string,
  extra: Omit<APIInteractionResponseCallbackData, "content" | "allowed_mentions"> = {},
): APIInteractionResponse {
  return {
    type: InteractionResponseType.UpdateMessage,
    data: { components: [], ...extra, content, allowed_mentions: NO_MENTIONS },
  };
}

export const deferredUpdate: APIInteractionResponse = { type: InteractionResponseType.DeferredMessageUpdate };
export const pong: APIInteractionResponse = { type: InteractionResponseType.Pong };
