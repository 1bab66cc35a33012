import type { Community, GatekeeperConfig } from "./config/schema.js";
import type { Core } from "./context.js";

/** A community by id; undefined for unknown ids (the config is the source of truth). */
export function find(core: { config: GatekeeperConfig }, id: string): Community | undefined {
  return core.config.communities.find((c) => c.id === id);
}

/** The communities of one Slack workspace or Discord guild, in config order. */
export function inWorkspace(
  core: Pick<Core, "config">,
  platform: Community["platform"],
  workspace: string,
): Community[] {
  return core.config.communities.filter((c) => c.platform === platform && c.workspace === workspace);
}

/** Whether a user may decide on this community's requests: listed, or holding a listed role. */
export function isModerator(community: Community, userId: string, roleIds: readonly string[] = []): boolean {
  return (
    community.moderators.users.includes(userId) ||
    roleIds.some((role) => community.moderators.roles.includes(role))
  );
}

export type Resolution =
  | { kind: "found"; community: Community }
  | { kind: "choose"; communities: Community[] }
  | { kind: "unknown"; id: string; communities: Community[] }
  | { kind: "none" };

/**
 * What `/apply [id]` means in a workspace: the named community, the only one, or a list to choose from.
 * Ids are matched case-insensitively; an id from another workspace is unknown here.
 */
export function resolve(
  core: Pick<Core, "config">,
  platform: Community["platform"],
  workspace: string,
  id?: string,
): Resolution {
  const here = inWorkspace(core, platform, workspace);
  const wanted = id?.trim().toLowerCase();
  if (wanted) {
    const community = here.find((c) => c.id === wanted);
    return community ? { kind: "found", community } : { kind: "unknown", id: wanted, communities: here };
  }
  if (here.length === 0) return { kind: "none" };
  if (here.length === 1 && here[0]) return { kind: "found", community: here[0] };
  return { kind: "choose", communities: here };
}
