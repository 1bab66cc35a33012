import * as Capacity from "../capacity.js";
import type { Core } from "../context.js";
import { RetryableEffectError } from "../effects.js";
import * as Members from "../members.js";
import type { Performers } from "../outbox.js";

/**
 * Discord seats follow who holds the role. Discord sends no serverless event when a member leaves
 * or loses a role, so each sweep checks the next batch of a community's admitted members
 * (`GET /guilds/{g}/members/{u}`, one call each, one at a time): gone from the server, or without
 * the seat's role (the first of `grant.roles`), counts as leaving. Their seat frees up and the
 * waitlist moves, through the same conditional transaction as every other departure
 * (`Capacity.leave`), so two sweepers checking the same member free it once.
 *
 * A role missing before the bot's own grant went through is not a departure (the grant may still
 * be on its way, or have failed and be shown on the card). A rate limit or an outage ends the
 * community's batch where it is; the next pass goes on from there.
 */

/** Members checked per community per pass: 25 calls a minute stays far below Discord's limits. */
export const RECONCILE_BATCH = 25;

export interface ReconcileReport {
  checked: number;
  /** Seats freed (members gone or without the role). */
  freed: number;
  admitted: number;
}

export async function reconcileSeats(
  core: Core,
  performers: Performers,
  batch = RECONCILE_BATCH,
): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, freed: 0, admitted: 0 };
  for (const community of core.config.communities) {
    const performer = performers[community.platform];
    if (community.platform !== "discord" || !performer?.checkMember) continue;
    const { members, next } = await Members.nextBatch(core, community, batch);
    let checked = 0;
    for (const member of members) {
      let status: Awaited<ReturnType<NonNullable<typeof performer.checkMember>>>;
      try {
        status = await performer.checkMember(community, member.userId);
      } catch (error) {
        const level = error instanceof RetryableEffectError ? "info" : "warn";
        core.log[level]("member check stopped; the next pass goes on from here", {
          community: community.id,
          user: member.userId,
          error,
        });
        break;
      }
      checked++;
      if (status === "member") continue;
      if (
        status === "role-removed" &&
        !(member.requestId && (await Members.grantDone(core, member.requestId)))
      )
        continue;
      const { left, admitted } = await Capacity.leave(core, community, member.userId);
      if (!left) continue; // another sweeper (or a release) got there first
      report.freed++;
      report.admitted += admitted.length;
      core.log.info("discord member gone; seat freed", {
        community: community.id,
        user: member.userId,
        why: status,
        admitted: admitted.map((r) => r.id),
      });
    }
    report.checked += checked;
    if (checked === members.length) await Members.saveCursor(core, community, next);
    else if (checked > 0) await Members.saveCursor(core, community, members[checked - 1]?.key);
  }
  return report;
}
