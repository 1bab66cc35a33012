import * as Communities from "../communities.js";
import type { Community } from "../config/schema.js";
import type { Core } from "../context.js";
import * as Homes from "../homes.js";
import * as Insights from "../insights.js";
import * as Messages from "../messages.js";
import * as Queue from "../queue.js";
import type { Text } from "../text.js";
import type { CommunityPanel, HomeView, OwnRequest } from "../views.js";
import { isOperator, type Origin } from "./origin.js";
import { status } from "./status.js";

/**
 * The moderators' queue and figures, for every surface: a user's home (Slack App Home), one
 * community's queue page (Discord `/apply-queue`), its insights (`/apply-stats`, the CLI).
 * Moderators see the queues of the communities they moderate here; anyone else sees their own
 * requests. Authority is the same rule as deciding: a moderator of the community, from its
 * platform and workspace.
 */

/** The communities of the origin's workspace that the origin moderates. */
export function moderated(core: Core, origin: Origin): Community[] {
  return Communities.inWorkspace(core, origin.platform, origin.workspace).filter(
    (c) => isOperator(origin) || Communities.isModerator(c, origin.userId, origin.roles ?? []),
  );
}

/** A user's home: their communities' queues (with their filters, pages and windows) and their own requests. */
export async function home(core: Core, origin: Origin): Promise<HomeView> {
  const communities = moderated(core, origin);
  const [prefs, pending, own] = await Promise.all([
    Homes.get(core, origin),
    Queue.pending(
      core,
      communities.map((c) => c.id),
    ),
    ownRequests(core, origin),
  ]);
  const panels = await Promise.all(
    communities.map(async (community): Promise<CommunityPanel> => {
      const p = Homes.panelOf(prefs, community.id);
      const queue = Queue.pageOf(pending.get(community.id) ?? [], p.filter, p.page);
      const onPage = new Set(queue.items.map((i) => i.requestId));
      return {
        community: pick(community),
        queue,
        insights: await Insights.read(core, community, p.days),
        selected: p.selected.filter((id) => onPage.has(id)),
      };
    }),
  );
  return {
    platform: origin.platform,
    workspace: origin.workspace,
    userId: origin.userId,
    panels,
    own,
    notice: noticeOf(prefs.lastBulk),
    at: core.now().toISOString(),
  };
}

function noticeOf(bulk: Homes.BulkState | undefined): Text | undefined {
  if (!bulk) return undefined;
  if (bulk.state === "running" || !bulk.report) return Messages.bulkStarted(bulk.asked);
  return Messages.bulkReport(bulk.report);
}

async function ownRequests(core: Core, origin: Origin): Promise<OwnRequest[]> {
  if (isOperator(origin)) return [];
  return (await status(core, origin)).map(({ request, communityName, waitlistPosition }) => ({
    communityId: request.communityId,
    communityName,
    requestId: request.id,
    status: request.status,
    since: request.updatedAt,
    waitlistPosition,
    reason: request.status === "denied" ? request.decision?.reason : undefined,
  }));
}

const pick = (c: Community): CommunityPanel["community"] => ({
  id: c.id,
  name: c.name,
  platform: c.platform,
  workspace: c.workspace,
});

export type CommunityChoice =
  | { kind: "found"; community: Community }
  | { kind: "forbidden" }
  | { kind: "choose"; communities: Community[] }
  | { kind: "unknown"; id: string; communities: Community[] };

/** Which community a moderator's command is about: the named one, or the only one they moderate here. */
export function chooseCommunity(core: Core, origin: Origin, communityId?: string): CommunityChoice {
  const mine = moderated(core, origin);
  const named = communityId?.trim().toLowerCase();
  if (named) {
    const here = Communities.inWorkspace(core, origin.platform, origin.workspace);
    const community = here.find((c) => c.id === named);
    if (!community) return { kind: "unknown", id: named, communities: mine };
    return mine.includes(community) ? { kind: "found", community } : { kind: "forbidden" };
  }
  if (mine.length === 0) return { kind: "forbidden" };
  if (mine.length === 1 && mine[0]) return { kind: "found", community: mine[0] };
  return { kind: "choose", communities: mine };
}

export type QueueOutcome =
  | { kind: "queue"; community: Community; page: Queue.QueuePage }
  | Exclude<CommunityChoice, { kind: "found" }>;

/** One page of one community's queue, for a moderator. */
export async function queuePage(
  core: Core,
  origin: Origin,
  input: { communityId?: string | undefined; filter?: Queue.QueueFilter; page?: number },
): Promise<QueueOutcome> {
  const choice = chooseCommunity(core, origin, input.communityId);
  if (choice.kind !== "found") return choice;
  const pending = await Queue.pending(core, [choice.community.id]);
  return {
    kind: "queue",
    community: choice.community,
    page: Queue.pageOf(pending.get(choice.community.id) ?? [], input.filter ?? "all", input.page ?? 1),
  };
}

export type InsightsOutcome =
  | { kind: "insights"; community: Community; insights: Insights.Insights }[]
  | Exclude<CommunityChoice, { kind: "found" | "choose" }>;

/**
 * The figures of the named community, or of every community the origin moderates here, over
 * `days` days.
 */
export async function insightsFor(
  core: Core,
  origin: Origin,
  input: { communityId?: string | undefined; days: number },
): Promise<InsightsOutcome> {
  const choice = chooseCommunity(core, origin, input.communityId);
  if (choice.kind === "forbidden" || choice.kind === "unknown") return choice;
  const list = choice.kind === "found" ? [choice.community] : choice.communities;
  return Promise.all(
    list.map(async (community) => ({
      kind: "insights" as const,
      community,
      insights: await Insights.read(core, community, input.days),
    })),
  );
}
