import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Community } from "./config/schema.js";
import type { Core } from "./context.js";
import { keys } from "./model.js";
import type { Platform } from "./platform.js";
import { queueFilterSchema } from "./queue.js";
import { WINDOWS } from "./stats.js";
import { effectPuts } from "./store/items.js";

/**
 * A moderator's queue view state (Slack App Home): per community the filter, the page and the
 * insights window they chose, and the last bulk decision they asked for. One small item per user.
 * And the refresh of moderators' views after a change, coalesced per community.
 */

/** The most requests a moderator selects at once on one page (a page holds 20). */
export const SELECTION_MAX = 25;

const panelPrefsSchema = z.object({
  filter: queueFilterSchema.catch("all"),
  page: z.int().min(1).catch(1),
  days: z.int().min(1).max(400).catch(WINDOWS[0]),
  /** Requests picked on the page for "Approve selected" / "Deny selected". */
  selected: z.array(z.string()).max(SELECTION_MAX).catch([]).default([]),
});
export type PanelPrefs = z.infer<typeof panelPrefsSchema>;
export const DEFAULT_PREFS: PanelPrefs = { filter: "all", page: 1, days: WINDOWS[0], selected: [] };

const bulkStateSchema = z.object({
  taskId: z.string(),
  communityId: z.string(),
  state: z.enum(["running", "done"]),
  asked: z.int(),
  report: z
    .object({
      asked: z.int(),
      approved: z.int(),
      waitlisted: z.int(),
      denied: z.int(),
      already: z.int(),
      full: z.int(),
      skipped: z.int(),
      ms: z.number(),
    })
    .optional(),
  at: z.string(),
});
export type BulkState = z.infer<typeof bulkStateSchema>;

const homeSchema = z.object({
  panels: z.record(z.string(), panelPrefsSchema).catch({}).default({}),
  lastBulk: bulkStateSchema.optional().catch(undefined),
});
export type HomePrefs = z.infer<typeof homeSchema>;

export interface HomeOwner {
  platform: Platform;
  workspace: string;
  userId: string;
}

export async function get(core: Core, owner: HomeOwner): Promise<HomePrefs> {
  const { Item } = await core.store.doc.send(
    new GetCommand({
      TableName: core.store.table,
      Key: keys.home(owner.platform, owner.workspace, owner.userId),
      ConsistentRead: true,
    }),
  );
  return homeSchema.parse(Item ?? {});
}

/** Changes one community panel's filter, page or window (the rest stays). */
export async function setPanel(
  core: Core,
  owner: HomeOwner,
  communityId: string,
  change: Partial<PanelPrefs>,
): Promise<void> {
  const prefs = await get(core, owner);
  const panel = { ...DEFAULT_PREFS, ...prefs.panels[communityId], ...change };
  // A new filter starts at its first page; another page or filter starts with nothing selected.
  if (change.filter !== undefined && change.page === undefined) panel.page = 1;
  if ((change.filter !== undefined || change.page !== undefined) && change.selected === undefined)
    panel.selected = [];
  await core.store.doc.send(
    new UpdateCommand({
      TableName: core.store.table,
      Key: keys.home(owner.platform, owner.workspace, owner.userId),
      UpdateExpression: "SET #type = :t, panels = :p",
      ExpressionAttributeNames: { "#type": "type" },
      ExpressionAttributeValues: { ":t": "home", ":p": { ...prefs.panels, [communityId]: panel } },
    }),
  );
}

/** Records the state of the owner's latest bulk decision (shown on top of their home). */
export async function setBulk(core: Core, owner: HomeOwner, state: BulkState): Promise<void> {
  await core.store.doc
    .send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.home(owner.platform, owner.workspace, owner.userId),
        UpdateExpression: "SET #type = :t, lastBulk = :b",
        // A late "running" never overwrites the report of the same task.
        ConditionExpression: "attribute_not_exists(lastBulk) OR lastBulk.taskId <> :id OR :state = :done",
        ExpressionAttributeNames: { "#type": "type" },
        ExpressionAttributeValues: {
          ":t": "home",
          ":b": state,
          ":id": state.taskId,
          ":state": state.state,
          ":done": "done",
        },
      }),
    )
    .catch((error: unknown) => {
      if (error instanceof Error && error.name === "ConditionalCheckFailedException") return;
      throw error;
    });
}

export function panelOf(prefs: HomePrefs, communityId: string): PanelPrefs {
  return { ...DEFAULT_PREFS, ...prefs.panels[communityId] };
}

/** Only Slack has a home tab to keep fresh. */
const HAS_QUEUE_VIEWS: Record<Platform, boolean> = { slack: true, discord: false };

/** Refreshes within one window are coalesced into one, run at the window's end. */
export const REFRESH_WINDOW_MS = 2_000;

export function refreshTaskId(communityId: string, at: Date): string {
  return `home-${communityId}-${Math.floor(at.getTime() / REFRESH_WINDOW_MS)}`;
}

/**
 * Asks for the community's moderator views to be republished (an outbox task), after a change
 * was recorded. However many changes land within one window (a bulk decision of 50), one
 * refresh runs, after the window ends, so it shows them all. Best effort: a failure is logged,
 * never the caller's problem (the next open of the view reads fresh data anyway).
 */
export async function touch(core: Core, community: Community): Promise<void> {
  if (!HAS_QUEUE_VIEWS[community.platform]) return;
  const taskId = refreshTaskId(community.id, core.now());
  // This process asked already in this window (a bulk decision, a burst of clicks): nothing to add.
  if (touched.get(community.id) === taskId) return;
  touched.set(community.id, taskId);
  const [put] = effectPuts(
    core,
    { id: taskId, communityId: community.id, platform: community.platform },
    [{ kind: "queue.refresh" }],
    "refresh",
  );
  if (!put?.item.Put) return;
  try {
    // A plain conditional put (not a transaction): the first in the window creates it, the rest meet it.
    await core.store.doc.send(new PutCommand(put.item.Put));
  } catch (error) {
    if (error instanceof Error && error.name === "ConditionalCheckFailedException") return;
    core.log.warn("queue refresh not requested", { community: community.id, error });
  }
}

const touched = new Map<string, string>();
