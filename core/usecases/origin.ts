import type { Actor } from "../model.js";
import type { Platform } from "../platform.js";

/**
 * Who asks, from where: every use case takes one. Adapters build it from what the platform
 * verified (the signed payload's team or guild and user; on Discord, the member's roles).
 */
export interface Origin {
  platform: Platform;
  /** Slack team id or Discord guild id. */
  workspace: string;
  userId: string;
  /** The name to record and show (display name, handle). */
  name?: string | undefined;
  /** Discord role ids of the member in the guild, for `moderators.roles`. */
  roles?: readonly string[] | undefined;
}

export function actorOf(origin: Origin): Actor {
  return { kind: "user", id: origin.userId, ...(origin.name ? { name: origin.name } : {}) };
}
