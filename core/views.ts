import type { Community } from "./config/schema.js";
import type { RequestStatus } from "./model.js";
import type { Platform } from "./platform.js";
import type { QueueFilter, QueuePage } from "./queue.js";
import type { Insights, WeekFigures } from "./stats.js";
import type { Text } from "./text.js";

/**
 * What the moderators' surfaces show, as data the core builds and the adapters lay out: the
 * Slack App Home, the Discord queue message, a bulk decision's report, the weekly digest. Types
 * only (no imports of behaviour), so the effect port can name them without import cycles.
 */

/** A user's home: the queues of the communities they moderate here, and their own requests. */
export interface HomeView {
  platform: Platform;
  workspace: string;
  userId: string;
  panels: CommunityPanel[];
  own: OwnRequest[];
  /** The last bulk decision's report (or that one is running), shown on top. */
  notice: Text | undefined;
  /** When the view was read (ISO). */
  at: string;
}

export interface CommunityPanel {
  community: Pick<Community, "id" | "name" | "platform" | "workspace">;
  queue: QueuePage;
  insights: Insights;
  /** Requests of this page the user selected for "Approve selected" / "Deny selected". */
  selected: string[];
}

export interface OwnRequest {
  communityId: string;
  communityName: string;
  requestId: string;
  status: RequestStatus;
  /** When it last changed (ISO). */
  since: string;
  waitlistPosition: number | undefined;
  reason: string | undefined;
}

/** What a bulk decision did, request by request tallied. */
export interface BulkReport {
  /** Requests asked about (after removing duplicates). */
  asked: number;
  approved: number;
  waitlisted: number;
  denied: number;
  /** Decided (or closed) before this bulk reached them. */
  already: number;
  /** Left pending: full with `whenFull: deny`. */
  full: number;
  /** Not a request of this community, or gone. */
  skipped: number;
  /** How long the decisions took, in ms. */
  ms: number;
}

/** Where a bulk report goes. */
export type BulkReply =
  /** Slack: the moderator's App Home shows it on top (and is refreshed). */
  | { kind: "home"; platform: Platform; workspace: string; userId: string }
  /** Discord: the ephemeral queue message is edited in place (interaction token, 15 minutes). */
  | { kind: "interaction"; applicationId: string; token: string }
  /** The CLI prints it; nothing to deliver. */
  | { kind: "none" };

export interface BulkDelivery {
  reply: BulkReply;
  report: BulkReport;
  text: Text;
  /** The queue again, for a surface that shows it under the report. */
  queue: { community: CommunityPanel["community"]; page: QueuePage; filter: QueueFilter } | undefined;
}

export interface DigestPost {
  community: Pick<Community, "id" | "name" | "platform" | "workspace" | "reviewChannel">;
  /** ISO week the digest is for (`2026-W23`). */
  week: string;
  text: Text;
  /** The chart: last weeks' requests, approvals and denials. */
  png: Uint8Array;
  filename: string;
  /** The chart in words, for screen readers and clients that do not show images. */
  altText: string;
  weeks: WeekFigures[];
}
