import * as Capacity from "../capacity.js";
import * as Communities from "../communities.js";
import type { Core } from "../context.js";
import type { Platform } from "../platform.js";

export interface Departure {
  platform: Platform;
  workspace: string;
  userId: string;
  /** Slack: the channel the member left. */
  channel?: string | undefined;
}

/**
 * A member left the access a community granted them (Slack: its seat channel): the seat frees up
 * and the waitlist moves; the admitted applicants' access and notices are outbox work.
 * Idempotent: a repeated event frees nothing twice.
 */
export async function memberLeft(
  core: Core,
  departure: Departure,
): Promise<{ communityId: string; admitted: string[] }[]> {
  const communities = Communities.inWorkspace(core, departure.platform, departure.workspace).filter(
    (c) => departure.channel === undefined || c.grant.channels[0] === departure.channel,
  );
  const freed: { communityId: string; admitted: string[] }[] = [];
  for (const community of communities) {
    const { left, admitted } = await Capacity.leave(core, community, departure.userId);
    if (left) freed.push({ communityId: community.id, admitted: admitted.map((r) => r.id) });
  }
  return freed;
}
