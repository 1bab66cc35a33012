import { DiscordAPIError } from "@discordjs/rest";
import { PermissionFlagsBits, Routes } from "discord-api-types/v10";
import * as z from "zod";
import type { Community } from "../../core/config/schema.js";
import { type Finding, fix, ok, warn } from "../../core/doctor.js";
import type { DiscordSettings } from "../../core/settings.js";
import { channelPermissions, guildPermissions, highestRole } from "./permissions.js";
import { createDiscordRest, tokenApplicationId } from "./rest.js";

/**
 * `gatekeeper doctor` for Discord: the bot token works, belongs to the configured application,
 * the bot is in each community's server with Manage Roles and a highest role above every granted
 * role (Discord lets a bot add only roles below its own), and it can see, post and embed in the
 * review channel (its roles' permissions with the channel's overwrites applied).
 */
const userSchema = z.object({ id: z.string() });
const rolesSchema = z.array(
  z.object({ id: z.string(), name: z.string(), position: z.number(), permissions: z.string() }),
);
const memberSchema = z.object({ roles: z.array(z.string()) });
const channelSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  guild_id: z.string().optional(),
  permission_overwrites: z
    .array(z.object({ id: z.string(), type: z.number(), allow: z.string(), deny: z.string() }))
    .default([]),
});

/** What posting a card needs in the review channel (the README's invite link grants them). */
const CARD_PERMISSIONS: [bigint, string][] = [
  [PermissionFlagsBits.ViewChannel, "View Channel"],
  [PermissionFlagsBits.SendMessages, "Send Messages"],
  [PermissionFlagsBits.EmbedLinks, "Embed Links"],
  [PermissionFlagsBits.ReadMessageHistory, "Read Message History"],
];

export async function checkDiscord(settings: DiscordSettings, communities: Community[]): Promise<Finding[]> {
  const rest = createDiscordRest(settings);
  const findings: Finding[] = [];
  let botId: string;
  try {
    botId = userSchema.parse(await rest.get(Routes.user("@me"))).id;
  } catch (error) {
    return [
      fix(
        `Discord: the bot token was refused (${describe(error)}): reset it under Developer Portal → Bot and set DISCORD_BOT_TOKEN`,
      ),
    ];
  }
  const application = await tokenApplicationId(rest).catch(() => undefined);
  if (!application) {
    findings.push(warn("Discord: could not read the token's application (GET /applications/@me)"));
  } else if (settings.applicationId && settings.applicationId !== application) {
    findings.push(
      fix(
        `Discord: DISCORD_APPLICATION_ID is ${settings.applicationId} but the bot token belongs to application ` +
          `${application}: use ${application} (General Information → Application ID), or that application's token`,
      ),
    );
  } else {
    findings.push(ok(`Discord: the bot token works (bot user ${botId}, application ${application})`));
  }

  for (const community of communities) findings.push(...(await checkCommunity(rest, community, botId)));
  return findings;
}

async function checkCommunity(
  rest: ReturnType<typeof createDiscordRest>,
  community: Community,
  botId: string,
): Promise<Finding[]> {
  const guild = community.workspace;
  const label = `Discord ${community.id}`;
  let roles: z.infer<typeof rolesSchema>;
  let mine: string[];
  try {
    roles = rolesSchema.parse(await rest.get(Routes.guildRoles(guild)));
    mine = memberSchema.parse(await rest.get(Routes.guildMember(guild, botId))).roles;
  } catch (error) {
    return [
      fix(
        `${label}: the bot is not in server ${guild} (${describe(error)}): invite it with the link in the README ` +
          "(scopes bot and applications.commands, permissions 268520448)",
      ),
    ];
  }
  const findings: Finding[] = [];
  const permissions = guildPermissions(guild, roles, mine);
  const top = highestRole(guild, roles, mine);
  if (!(permissions & PermissionFlagsBits.ManageRoles)) {
    findings.push(
      fix(`${label}: the bot lacks Manage Roles in server ${guild}: give its role that permission`),
    );
  }
  for (const roleId of community.grant.roles) {
    const role = roles.find((r) => r.id === roleId);
    if (!role) {
      findings.push(
        fix(`${label}: granted role ${roleId} does not exist in server ${guild}: check grant.roles`),
      );
    } else if (!top || top.position <= role.position) {
      findings.push(
        fix(
          `${label}: the bot's highest role (${top?.name ?? "none"}) is not above the granted role ${role.name} (${roleId}): ` +
            "Server Settings → Roles, drag the bot's role above it",
        ),
      );
    } else {
      findings.push(ok(`${label}: the bot's role ${top.name} is above the granted role ${role.name}`));
    }
  }

  try {
    const channel = channelSchema.parse(await rest.get(Routes.channel(community.reviewChannel)));
    if (channel.guild_id && channel.guild_id !== guild) {
      findings.push(
        fix(
          `${label}: review channel ${community.reviewChannel} is in another server (${channel.guild_id}): check reviewChannel`,
        ),
      );
      return findings;
    }
    const inChannel = channelPermissions(guild, permissions, channel.permission_overwrites, botId, mine);
    const lacking = CARD_PERMISSIONS.filter(([bit]) => !(inChannel & bit)).map(([, name]) => name);
    const name = channel.name ? `#${channel.name} (${channel.id})` : channel.id;
    findings.push(
      lacking.length === 0
        ? ok(`${label}: the bot can post cards in the review channel ${name}`)
        : fix(
            `${label}: the bot lacks ${lacking.join(", ")} in the review channel ${name}: ` +
              "allow them for the bot's role in the channel's permissions",
          ),
    );
  } catch (error) {
    findings.push(
      fix(
        `${label}: the bot cannot see the review channel ${community.reviewChannel} (${describe(error)}): ` +
          "check the id, and give the bot's role View Channel there",
      ),
    );
  }
  return findings;
}

function describe(error: unknown): string {
  if (error instanceof DiscordAPIError) return `${error.status} ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
