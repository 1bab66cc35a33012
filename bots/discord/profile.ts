import { type Profile, snowflakeTimestamp } from "../../core/profile.js";
import { actorOf, displayName, type UserInteraction } from "./interaction.js";

const CDN = "https://cdn.discordapp.com";

/**
 * The applicant's profile, read from the interaction itself (Discord sends the member with every
 * interaction, so no API call is needed): avatar (a null hash is the default avatar), global
 * display name, account age from the user id's snowflake, when they joined the server, bot flag.
 */
export function profileFromInteraction(i: UserInteraction): Profile {
  const user = actorOf(i);
  const member = i.member;
  const avatar = user.avatar ?? undefined;
  const created = snowflakeTimestamp(user.id);
  const joined = member?.joined_at ? Date.parse(member.joined_at) : Number.NaN;
  return {
    platform: "discord",
    userId: user.id,
    name: displayName(i),
    available: true,
    // A server-specific avatar counts too.
    hasAvatar: Boolean(avatar || member?.avatar),
    ...(avatar
      ? { avatarUrl: `${CDN}/avatars/${user.id}/${avatar}.${avatar.startsWith("a_") ? "gif" : "png"}` }
      : {}),
    ...(user.global_name?.trim() ? { realName: user.global_name } : {}),
    ...(created ? { accountCreatedAt: created.toISOString() } : {}),
    ...(Number.isNaN(joined) ? {} : { joinedAt: new Date(joined).toISOString() }),
    isBot: user.bot ?? false,
  };
}
