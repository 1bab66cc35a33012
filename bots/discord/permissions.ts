import { PermissionFlagsBits } from "discord-api-types/v10";

/**
 * Discord's permission arithmetic (Developer docs, "Permissions → Permission Overwrites"): a
 * member's server permissions are @everyone's plus their roles'; in a channel, the @everyone
 * overwrite applies first, then the member's roles' overwrites together, then the member's own.
 * Administrator grants everything.
 */
export interface RoleLike {
  id: string;
  position: number;
  permissions: string;
}

export interface Overwrite {
  id: string;
  type: number;
  allow: string;
  deny: string;
}

const ALL = (1n << 64n) - 1n;

export function guildPermissions(guildId: string, roles: RoleLike[], memberRoles: string[]): bigint {
  let bits = 0n;
  for (const role of roles)
    if (role.id === guildId || memberRoles.includes(role.id)) bits |= BigInt(role.permissions);
  return bits & PermissionFlagsBits.Administrator ? ALL : bits;
}

export function channelPermissions(
  guildId: string,
  base: bigint,
  overwrites: Overwrite[],
  memberId: string,
  memberRoles: string[],
): bigint {
  if (base & PermissionFlagsBits.Administrator) return ALL;
  let bits = base;
  const everyone = overwrites.find((o) => o.id === guildId);
  if (everyone) bits = (bits & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== guildId && memberRoles.includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  bits = (bits & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === memberId);
  if (own) bits = (bits & ~BigInt(own.deny)) | BigInt(own.allow);
  return bits;
}

/** The highest role a member holds (its position decides which roles it may manage). */
export function highestRole<R extends RoleLike>(
  guildId: string,
  roles: R[],
  memberRoles: string[],
): R | undefined {
  return roles
    .filter((r) => r.id === guildId || memberRoles.includes(r.id))
    .sort((a, b) => b.position - a.position || Number(BigInt(a.id) - BigInt(b.id)))[0];
}
