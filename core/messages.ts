import type { Community } from "./config/schema.js";
import type { EffectSpec, NoticeKind } from "./effects.js";
import { REASON_MAX } from "./limits.js";
import type { Actor, JoinRequest, RequestHistory, RequestStatus } from "./model.js";
import type { Platform } from "./platform.js";
import type { FieldError, Refusal } from "./policy.js";
import type { QueueFilter, QueueItem, QueuePage } from "./queue.js";
import type { Insights, WeekFigures } from "./stats.js";
import { type Inline, type Line, line, type Text, text } from "./text.js";
import type { BulkReport, OwnRequest } from "./views.js";

/**
 * Every sentence a person reads, in one place, as platform-neutral `Text` (core/text.ts). Adapters
 * render it (Slack mrkdwn or plain text, Discord markdown) and escape every plain piece, so text
 * that came from a person can be passed in as it is.
 */

/** How the commands are typed on each platform (the only wording the platform forces). */
export interface Commands {
  apply: string;
  applyTo: string;
  status: string;
  withdrawFrom: string;
}

export const COMMANDS: Record<Platform, Commands> = {
  slack: {
    apply: "/apply",
    applyTo: "/apply <community>",
    status: "/apply status",
    withdrawFrom: "/apply withdraw <community>",
  },
  discord: {
    apply: "/apply",
    applyTo: "/apply community:<id>",
    status: "/apply-status",
    withdrawFrom: "/apply-withdraw community:<id>",
  },
};

// Personal data (core/privacy.ts)

/** Stands in for the applicant's name once their personal data is gone. */
export const REMOVED_NAME = "name removed";

/** On a card whose request's personal data is gone. */
export function personalDataRemoved(privacy: NonNullable<JoinRequest["privacy"]>): string {
  return privacy.removed === "erased"
    ? "Personal data removed at the applicant's request (answers, note and profile)."
    : `Personal data removed after ${privacy.retentionDays} days (answers, note and profile).`;
}

// Request states

/** The applicant's words for a request's state. */
export const STATUS_LABEL: Record<RequestStatus, string> = {
  pending: "Waiting for review",
  approved: "Approved",
  waitlisted: "Approved, on the waitlist",
  denied: "Declined",
  withdrawn: "Withdrawn",
  expired: "Expired",
};

/** The moderators' words for a request's state, on the card. */
export const CARD_STATUS_LABEL: Record<RequestStatus, string> = {
  pending: "Waiting for review",
  approved: "Approved",
  waitlisted: "Approved, waiting for a seat",
  denied: "Denied",
  withdrawn: "Withdrawn",
  expired: "Expired",
};

// Applying

export function refusal(community: Community, r: Refusal): Text {
  const name = community.name;
  switch (r.reason) {
    case "pending":
      return text(
        `You already have a request to join ${name} waiting for review. You'll hear back as soon as a moderator decides.`,
      );
    case "waitlisted":
      return text(
        `You're approved for ${name} and on the waitlist; you'll be let in as soon as a seat frees up.`,
      );
    case "member":
      return text(`You're already a member of ${name}.`);
    case "cooldown":
      return text(
        `Your last request to join ${name} was declined. You can apply again after `,
        {
          at: r.until,
          style: "date",
        },
        ".",
      );
    case "blocked":
      return text(`You can't apply to join ${name}.`);
    case "full":
      return text(`${name} is full and not taking new requests right now.`);
  }
}

const communityLine = (c: Community): Line =>
  line("• ", { code: c.id }, ` ${c.name}${c.description ? `: ${c.description}` : ""}`);

export function chooseCommunity(communities: Community[], platform: Platform): Text {
  return [
    line("Which community would you like to join? Type ", { code: COMMANDS[platform].applyTo }, ":"),
    ...communities.map(communityLine),
  ];
}

export function unknownCommunity(id: string, communities: Community[]): Text {
  return communities.length === 0
    ? text(`There's no community called "${id}" here, and none is set up in this workspace.`)
    : text(
        `There's no community called "${id}" here. Try one of: ${communities.map((c) => c.id).join(", ")}.`,
      );
}

export const NO_COMMUNITIES = text("No community is set up for this workspace yet.");

export function help(communities: Community[], platform: Platform): Text {
  const c = COMMANDS[platform];
  const known =
    communities.length > 0 ? [line(`Communities here: ${communities.map((x) => x.id).join(", ")}`)] : [];
  return [
    line({ bold: "Gatekeeper: ask to join a community" }),
    line(
      "• ",
      { code: c.apply },
      ": the form of this workspace's community, or the list when there are several",
    ),
    line("• ", { code: c.applyTo }, ": the form of that community"),
    line("• ", { code: c.status }, ": your requests and where they stand"),
    line("• ", { code: c.withdrawFrom }, ": withdraw a request that is still open"),
    ...known,
  ];
}

/** What the applicant is told right after submitting. */
export function received(community: Community, request: JoinRequest, position?: number): Text {
  const name = community.name;
  switch (request.status) {
    case "pending":
      return text(
        `Thanks! Your request to join ${name} was received. The moderators will review it and you'll get a message with their decision.`,
      );
    case "approved":
      return text(`Welcome to ${name}! Your request was approved; access is on its way.`);
    case "waitlisted":
      return text(
        `Your request to join ${name} was approved, but it's full right now. You're on the waitlist${position ? ` at position ${position}` : ""}.`,
      );
    case "denied":
      return text(
        `Your request to join ${name} was declined${request.decision?.reason ? `: ${request.decision.reason}` : "."}`,
      );
    default:
      return text(`Your request to join ${name} is ${STATUS_LABEL[request.status].toLowerCase()}.`);
  }
}

/** Field errors, for a platform that cannot show them beside each field (Discord's paged form). */
export function answersNeedALook(community: Community, errors: FieldError[]): Text {
  const labels = new Map(community.questions.map((q) => [q.id, q.label]));
  return [
    line("Some answers need another look:"),
    ...errors.map((e) => line(`• ${labels.get(e.field) ?? "Note"}: ${e.message}`)),
  ];
}

export function pageSaved(page: number, total: number): Text {
  return text(
    `Page ${page} of ${total} saved. Click `,
    { bold: "Continue" },
    " for the next questions (your answers are kept for an hour).",
  );
}

// Status and withdrawal

export interface StatusEntry {
  communityName: string;
  request: JoinRequest;
  waitlistPosition: number | undefined;
}

export function status(entries: StatusEntry[], platform: Platform): Text {
  if (entries.length === 0)
    return text(
      "You have no requests to join a community here yet. Type ",
      { code: COMMANDS[platform].apply },
      " to start one.",
    );
  return [
    line({ bold: "Your requests" }),
    ...entries.map(({ communityName, request, waitlistPosition }) =>
      statusLine(
        communityName,
        request.status,
        request.updatedAt,
        waitlistPosition,
        request.status === "denied" ? request.decision?.reason : undefined,
      ),
    ),
  ];
}

function statusLine(
  communityName: string,
  status: RequestStatus,
  since: string,
  waitlistPosition: number | undefined,
  reason: string | undefined,
): Line {
  const position = waitlistPosition ? ` (position ${waitlistPosition})` : "";
  return line(
    "• ",
    { bold: communityName },
    `: ${STATUS_LABEL[status]}${position} · since `,
    { at: since, style: "date" },
    ...(reason ? [`. Reason: ${clip(reason, 300)}`] : []),
  );
}

/** The user's own requests on their home (the same lines as `/apply status`). */
export function ownRequests(own: OwnRequest[], platform: Platform): Text {
  if (own.length === 0) return NO_OWN_REQUESTS(platform);
  return [
    line({ bold: OWN_REQUESTS }),
    ...own.map((r) => statusLine(r.communityName, r.status, r.since, r.waitlistPosition, r.reason)),
  ];
}

export const withdrawn = (community: Community): Text =>
  text(`Your request to join ${community.name} was withdrawn.`);

export const nothingToWithdraw = (community: Community): Text =>
  text(`You have no open request to join ${community.name}.`);

export const NOTHING_OPEN = text("You have no open request to join a community here.");

export function chooseWithdrawal(communities: Community[], platform: Platform): Text {
  return [
    line(
      "Which request should I withdraw? Type ",
      { code: COMMANDS[platform].withdrawFrom },
      " with one of:",
    ),
    ...communities.map(communityLine),
  ];
}

// Moderators

export const NOT_A_MODERATOR = text("Only this community's moderators can approve or deny requests.");
export const REQUEST_GONE = text("This request no longer exists.");

function by(actor: Actor): Inline[] {
  if (actor.kind === "operator") return [`by ${actor.name ?? "an operator"}`];
  return actor.kind === "system" ? ["automatically"] : ["by ", { user: actor.id, name: actor.name }];
}

/** For a click on a request that was decided (or closed) meanwhile. */
export function alreadyDecided(request: JoinRequest): Text {
  const d = request.decision;
  const on: Inline[] = d ? [" ", ...by(d.by), " on ", { at: d.at }] : [];
  switch (request.status) {
    case "approved":
      return text("This request was already approved", ...on, ".");
    case "waitlisted":
      return text("This request was already approved", ...on, "; the applicant is on the waitlist.");
    case "denied":
      return text("This request was already denied", ...on, ".");
    case "withdrawn":
      return text("The applicant withdrew this request.");
    case "expired":
      return text("This request expired before anyone decided.");
    case "pending":
      return text("This request is still waiting for review.");
  }
}

export function fullForApproval(
  community: Community,
  seats: { used: number; capacity: number | undefined },
): Text {
  return text(
    `${community.name} is full (${seats.used} of ${seats.capacity ?? "?"} seats taken) and set to decline new members while full, so nothing changed. Deny the request, or free a seat first.`,
  );
}

/** The deny-reason form. */
export const DENY_FORM = {
  title: "Deny request",
  submit: "Deny",
  reasonLabel: "Reason (sent to the applicant)",
  reasonHint: "Optional. Pre-filled from the failed rules; edit freely.",
  intro: (request: JoinRequest, community: Community) =>
    `Deny ${request.applicant.name}'s request to join ${community.name}? They will be told, with the reason below.`,
  tooLong: `Please keep the reason under ${REASON_MAX} characters.`,
};

// Notices and reminders

/** The applicant's notice, with the reason of a decline. */
export function notice(community: Community, kind: NoticeKind, position?: number, reason?: string): Text {
  const name = community.name;
  const main = (() => {
    switch (kind) {
      case "approved":
        return `Good news: your request to join ${name} was approved. Welcome!`;
      case "admitted":
        return `A seat opened up: you're now a member of ${name}. Welcome!`;
      case "waitlisted":
        return `Your request to join ${name} was approved, but the community is full. You're on the waitlist${position ? ` at position ${position}` : ""} and will be let in when a seat frees up.`;
      case "denied":
        return `Your request to join ${name} was declined.`;
      case "expired":
        return `Your request to join ${name} expired before a moderator could review it. You're welcome to apply again.`;
    }
  })();
  return kind === "denied" && reason ? [line(main), line({ bold: "Reason:" }, ` ${reason}`)] : text(main);
}

/** The reminder under the card: the moderators (mentioned where the platform pings nobody else) and the applicant by name. */
export function reminder(request: JoinRequest, community: Community): Text {
  const moderators = community.moderators.users.flatMap((id, i): Inline[] => [
    ...(i > 0 ? [" "] : []),
    { user: id },
  ]);
  return text(
    ...moderators,
    ...(moderators.length > 0 ? [" "] : []),
    `the request from ${request.applicant.name} to join ${community.name} has been waiting for review since `,
    { at: request.createdAt, style: "relative" },
    ". Approve or deny it on the card.",
  );
}

// Errors and stale things

export const DONE = text("Done.");
export const unknownCommand = (name: string): Text => text(`Unknown command /${name}.`);
/** Button labels of the paged form. */
export const FORM_BUTTONS = { next: "Continue", edit: "Edit answers" } as const;
export const COULD_NOT_READ = text("Sorry, I couldn't read that.");
export const FORM_GONE = text("This form is out of date: that community is not set up here any more.");
export const FORM_EXPIRED = text(
  "This form expired (answers are kept for an hour). Run /apply to start again.",
);
export const STALE_BUTTON = text("This button is no longer valid.");
export const SERVER_ONLY = text("Use this command in the server whose community you want to join.");
export const FAILED = text("Something went wrong on our side. Please try again in a moment.");
export const FORM_DID_NOT_OPEN = text("Sorry, the form didn't open just now. Please try again.");
export const REASON_FORM_DID_NOT_OPEN = text(
  "Sorry, the reason form didn't open just now. Please click Deny again.",
);

/** Cuts text to `max` code points, marking the cut. */
export function clip(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

// The moderators' queue, bulk decisions, insights and the weekly digest

/** Names of the queue filters, as buttons and headings show them. */
export const FILTER_LABEL: Record<QueueFilter, string> = {
  all: "All",
  passing: "Passing every rule",
  flagged: "Flagged",
  waiting: "Waiting for a reply",
};

/** Labels of the queue's buttons and menus (both platforms). */
export const QUEUE_BUTTONS = {
  approve: "Approve",
  deny: "Deny",
  open: "Open card",
  approvePassing: "Approve all that pass every rule",
  approveSelected: "Approve selected",
  denySelected: "Deny selected",
  previous: "Previous",
  next: "Next",
  select: "Select requests to decide",
  window: (days: number) => `${days} days`,
} as const;

/** "3 d 4 h", "2 h 10 min", "12 min", "under a minute". */
export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "under a minute";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

export const queueTitle = (community: { name: string }): string => `Join requests: ${community.name}`;

export function queueSummary(page: QueuePage): Text {
  const c = page.counts;
  return text(
    `${c.all} waiting · ${c.passing} pass every rule · ${c.flagged} flagged · ${c.waiting} waiting for a reply`,
    page.filter === "all" ? "" : ` · showing: ${FILTER_LABEL[page.filter].toLowerCase()} (${page.total})`,
    page.pages > 1 ? ` · page ${page.page} of ${page.pages}` : "",
  );
}

export const queueEmpty = (filter: QueueFilter): Text =>
  filter === "all" ? text("Nothing is waiting for review.") : text("No waiting request matches this filter.");

/** One queue item's first line: who, how long, the score. */
export function queueItemHeadline(item: QueueItem): Line {
  return line(
    { user: item.applicant.userId, name: item.applicant.name },
    ` (${item.applicant.name}) · waited ${duration(item.waitedMs)} · score ${item.score}/100`,
  );
}

/** The item's rules at a glance. */
export function queueItemRules(item: QueueItem): Line {
  const { passed, failed, unchecked } = item.rules;
  const count = passed.length + failed.length + unchecked.length;
  if (count === 0) return line("No rules configured");
  if (failed.length === 0 && unchecked.length === 0)
    return line(count === 1 ? "✓ the rule passed" : `✓ all ${count} rules passed`);
  return line(
    [
      passed.length > 0 ? `✓ ${passed.length} passed` : "",
      failed.length > 0 ? `✗ failed: ${failed.join(", ")}` : "",
      unchecked.length > 0 ? `? not checked: ${unchecked.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join(" · "),
  );
}

/** Claim and interview state, when there is any. */
export function queueItemTools(item: QueueItem): Line | undefined {
  const parts: Inline[] = [];
  if (item.claimedBy)
    parts.push("Being reviewed by ", { user: item.claimedBy.id, name: item.claimedBy.name });
  const i = item.interview;
  if (i) {
    if (parts.length > 0) parts.push(" · ");
    const since: Inline[] = i.since ? [" since ", { at: i.since }] : [];
    if (i.state === "waiting") parts.push("Waiting for the applicant's reply", ...since);
    else if (i.state === "replied")
      parts.push("The applicant replied", ...(i.since ? [" ", { at: i.since }] : []));
    else parts.push("No reply from the applicant");
  }
  return parts.length > 0 ? line(...parts) : undefined;
}

/** A short label for one request (a select option). */
export const queueOption = (item: QueueItem): { label: string; description: string } => ({
  label: `${item.applicant.name}`,
  description: `waited ${duration(item.waitedMs)} · score ${item.score}${item.passesAll ? " · passes every rule" : ` · ${item.rules.failed.length + item.rules.unchecked.length} flagged`}`,
});

export const HOME_TITLE = "Gatekeeper";
export const OWN_REQUESTS = "Your requests";
export const NO_OWN_REQUESTS = (platform: Platform): Text =>
  text(
    "You have no requests to join a community here. Type ",
    { code: COMMANDS[platform].apply },
    " to start one.",
  );
export const NOT_A_MODERATOR_HERE = text("Only a community's moderators can see its queue and figures.");

export function chooseQueue(communities: Community[]): Text {
  return [line("You moderate several communities here; name one:"), ...communities.map(communityLine)];
}

export const selected = (n: number): Text =>
  text(n === 0 ? "Nothing selected." : `${n} selected. Approve or deny them below.`);
export const SELECTION_GONE = text("That selection expired. Pick the requests again.");

export const approvePassingConfirm = (community: { name: string }, n: number) => ({
  title: "Approve all passing?",
  text: `Approve the ${n} waiting ${n === 1 ? "request" : "requests"} to join ${community.name} that pass every rule? Each is decided as if you clicked Approve: applicants are told, and when seats run out the rest join the waitlist in queue order.`,
  confirm: "Approve them",
  deny: "Cancel",
});

export const BULK_DENY_FORM = {
  title: "Deny selected requests",
  submit: "Deny",
  reasonLabel: "Reason (sent to each applicant)",
  reasonHint: "Optional. Left empty, each applicant gets their own failed rules as the reason.",
};

export const bulkStarted = (n: number): Text =>
  text(`Deciding ${n} ${n === 1 ? "request" : "requests"}… the result shows here in a moment.`);

export const BULK_NOTHING = text("Nothing to decide: no waiting request matched.");

/** "18 approved, 2 waitlisted, 1 already decided." */
export function bulkReport(report: BulkReport): Text {
  const parts = [
    report.approved > 0 ? `${report.approved} approved` : "",
    report.waitlisted > 0 ? `${report.waitlisted} waitlisted` : "",
    report.denied > 0 ? `${report.denied} denied` : "",
    report.already > 0 ? `${report.already} already decided` : "",
    report.full > 0 ? `${report.full} left waiting (the community is full)` : "",
    report.skipped > 0 ? `${report.skipped} skipped (not in this community's queue)` : "",
  ].filter(Boolean);
  return text(parts.length > 0 ? `${parts.join(", ")}.` : "Nothing was decided: no request matched.");
}

// Insights

const orDash = (ms: number | undefined) =>
  ms === undefined ? "–" : ms === Number.POSITIVE_INFINITY ? "over 14 d" : `≤ ${duration(ms)}`;

/** The figures of a window, as lines. */
export function insights(community: { name: string }, i: Insights): Text {
  const seats =
    i.seats.capacity === undefined
      ? `${i.seats.used} seats taken (no limit)`
      : `${i.seats.used} of ${i.seats.capacity} seats taken`;
  const lines: Line[] = [
    line({ bold: `${community.name}: the last ${i.days} days` }),
    line(
      `Requests ${i.requests} · approved ${i.approved}${i.waitlisted > 0 ? ` (${i.waitlisted} via the waitlist)` : ""} · denied ${i.denied} (${i.deniedByModerator} by moderators, ${i.deniedByRule} by rules${i.deniedFull > 0 ? `, ${i.deniedFull} full` : ""}${i.deniedNoReply > 0 ? `, ${i.deniedNoReply} for no reply` : ""}) · withdrawn ${i.withdrawn} · expired ${i.expired}`,
    ),
    line(
      `Time to decision: median ${orDash(i.medianMs)}, 90% ${orDash(i.p90Ms)} (${i.decisions} ${i.decisions === 1 ? "decision" : "decisions"})`,
    ),
    line(`Now: ${seats} · ${i.waitlistLength} on the waitlist`),
  ];
  if (i.topFailedRules.length > 0)
    lines.push(
      line(`Top failed rules: ${i.topFailedRules.map((r) => `${r.label} (${r.count})`).join(", ")}`),
    );
  if (i.moderators.length > 0) {
    lines.push(
      line(
        "Decisions by moderator: ",
        ...i.moderators.flatMap((m, k): Inline[] => [
          ...(k > 0 ? [", "] : []),
          m.id.startsWith("operator:") ? (m.name ?? m.id) : { user: m.id, name: m.name },
          ` ${m.total} (${m.approved} approved, ${m.denied} denied)`,
        ]),
      ),
    );
  }
  return lines;
}

// Weekly digest

export function digest(
  community: { name: string },
  week: string,
  last: WeekFigures | undefined,
  i: Insights,
  pending: number,
): Text {
  return [
    line({ bold: `Weekly digest for ${community.name}` }, ` (week ${week})`),
    line(
      `Last week: ${last?.requests ?? 0} requests, ${last?.approved ?? 0} approved, ${last?.denied ?? 0} denied. ` +
        `Median time to decision ${orDash(i.medianMs)}.`,
    ),
    line(
      `Now: ${pending} waiting for review, ${i.waitlistLength} on the waitlist, ` +
        (i.seats.capacity === undefined
          ? `${i.seats.used} seats taken.`
          : `${i.seats.used} of ${i.seats.capacity} seats taken.`),
    ),
    ...(i.topFailedRules[0]
      ? [line(`Most failed rule: ${i.topFailedRules[0].label} (${i.topFailedRules[0].count}).`)]
      : []),
    line("The chart shows requests, approvals and denials over the last 8 weeks."),
  ];
}

export const digestAlt = (community: { name: string }, weeks: WeekFigures[]): string =>
  `Requests, approvals and denials per week for ${community.name}: ${weeks
    .map((w) => `${w.week} ${w.requests}/${w.approved}/${w.denied}`)
    .join("; ")}`;

// Stuck deliveries (told once to the review channel)

const NOTICE_ACTIVITY: Record<NoticeKind, string> = {
  approved: "telling the applicant they were approved",
  admitted: "telling the applicant a seat opened up for them",
  waitlisted: "telling the applicant they are on the waitlist",
  denied: "telling the applicant they were declined",
  expired: "telling the applicant their request expired",
};

/** What an outbox entry does, as a phrase: "granting access". */
export function activity(spec: EffectSpec): string {
  switch (spec.kind) {
    case "card.post":
      return "posting the approval card";
    case "card.update":
      return "updating the approval card";
    case "notice":
      return NOTICE_ACTIVITY[spec.notice];
    case "grant":
      return "granting access";
    case "revoke":
      return "taking back access";
    case "remind":
      return "reminding the moderators";
    case "stuck":
      return "telling the moderators about a stuck delivery";
    case "question.dm":
      return "sending a moderator's question to the applicant";
    case "thread.post":
      return "posting in the card's thread";
    case "queue.refresh":
      return "refreshing the moderators' queue";
    case "bulk.run":
      return "running a bulk decision";
    case "digest.post":
      return "posting the weekly digest";
  }
}

/** Posted once to the review channel when a delivery keeps failing; `why` is the last error. */
export function stuck(community: Community, applicant: string, what: string, why: string): Text {
  return text(
    `Delivery stuck: Gatekeeper keeps failing at ${what} for ${applicant}'s request to join ` +
      `${community.name} (last error: ${why}). It keeps retrying, at least hourly; an operator can list it with `,
    { code: "gatekeeper outbox list" },
    " and retry it now with ",
    { code: "gatekeeper outbox retry" },
    ".",
  );
}

// Moderator tools: the interview, claims, deny and block, history

/** Labels of the card's tool buttons. */
export const TOOL_BUTTONS = {
  ask: "Ask a question",
  claim: "Claim",
  unclaim: "Unclaim",
  reply: "Reply",
} as const;

/** The moderator's question form. */
export const ASK_FORM = {
  title: "Ask the applicant",
  submit: "Send",
  questionLabel: "Your question (sent to the applicant by DM)",
  questionHint: "They answer with a Reply button; the exchange is threaded under the card.",
  intro: (request: JoinRequest, community: Community) =>
    `Ask ${request.applicant.name} about their request to join ${community.name}. They have ${hours(community.interviewExpiryHours)} to reply.`,
  empty: "Please write a question.",
  tooLong: (max: number) => `Please keep the question under ${max} characters.`,
};

/** The applicant's reply form. */
export const REPLY_FORM = {
  title: "Reply to the moderators",
  submit: "Send reply",
  replyLabel: "Your reply",
  replyHint: (max: number) => `Up to ${max} characters; only the moderators see it.`,
  empty: "Please write a reply.",
  tooLong: (max: number) => `Please keep the reply under ${max} characters.`,
};

export const askInvalid = (problem: "empty" | "too-long", max: number): Text =>
  text(problem === "empty" ? ASK_FORM.empty : ASK_FORM.tooLong(max));

export const replyInvalid = (problem: "empty" | "too-long", max: number): Text =>
  text(problem === "empty" ? REPLY_FORM.empty : REPLY_FORM.tooLong(max));

/** The deny form's block option. */
export const BLOCK_OPTION = {
  label: "Also block this person",
  hint: (community: Community) =>
    `They won't be able to apply to ${community.name} again (an admin can undo it with gatekeeper unblock).`,
};

function hours(n: number): string {
  return n === 1 ? "1 hour" : `${n} hours`;
}

/** The DM carrying a moderator's question; the Reply button sits under it. */
export function questionDm(community: Community, question: string, dueAt: string): Text {
  return [
    line(`The moderators of ${community.name} have a question about your request to join:`),
    line(question),
    line("Use the ", { bold: TOOL_BUTTONS.reply }, " button below to answer by ", { at: dueAt }, "."),
  ];
}

/** A question, as posted in the card's thread (names the moderator who asked without notifying them). */
export function questionPost(n: number, by: Actor, question: string): Text {
  const asker: Inline[] =
    by.kind === "system" ? ["Gatekeeper"] : [{ user: by.id, name: by.name, quiet: true }];
  return [line({ bold: `Question ${n}` }, " from ", ...asker, ":"), line(question)];
}

/** The applicant's reply, as posted in the card's thread (mentions the moderator who asked). */
export function replyPost(n: number, request: JoinRequest, askedBy: Actor, reply: string): Text {
  return [
    line(
      { bold: `Reply ${n}` },
      ` from ${request.applicant.name}`,
      ...(askedBy.kind === "user" ? [" to ", { user: askedBy.id, name: askedBy.name }] : []),
      ":",
    ),
    line(reply),
  ];
}

/** The thread post when the time to reply ran out. */
export function noReplyPost(n: number, community: Community, declined: boolean): Text {
  return text(
    `No reply to question ${n} within ${hours(community.interviewExpiryHours)}: `,
    declined ? "the request was declined." : `the request is back in the queue, flagged "no reply".`,
  );
}

/** The reason recorded (and sent to the applicant) when a request is declined for no reply. */
export function noReplyReason(community: Community): string {
  return `No reply to the moderators' question within ${hours(community.interviewExpiryHours)}.`;
}

function actorPieces(actor: Actor): Inline[] {
  return actor.kind === "system" ? ["Gatekeeper"] : [{ user: actor.id, name: actor.name }];
}

/** To a moderator asking while a question is still open. */
export function questionPending(round: { n: number; askedBy: Actor; askedAt: string }): Text {
  return text(
    `Question ${round.n}, asked by `,
    ...actorPieces(round.askedBy),
    " on ",
    { at: round.askedAt },
    ", is still waiting for the applicant's reply. Ask again once they reply (or the time runs out), or decide now.",
  );
}

export const QUESTION_SENT = text("Question sent. The exchange will appear in the card's thread.");

/** To the applicant, once their reply is recorded. */
export const replySent = (community: Community): Text =>
  text(`Thanks! Your reply was passed on to the moderators of ${community.name}.`);

/** To an applicant whose reply cannot be taken, and why. */
export function replyRefused(
  kind: "closed" | "already" | "lapsed" | "not-yours" | "not-found",
  community: Community | undefined,
  platform: Platform,
): Text {
  const name = community?.name ?? "the community";
  switch (kind) {
    case "closed":
      return text(
        `Your request to join ${name} was already decided, so your reply was not passed on. Type `,
        { code: COMMANDS[platform].status },
        " to see where it stands.",
      );
    case "already":
      return text("You already replied to this question. Thanks!");
    case "lapsed":
      return text(
        `The time to reply to this question ran out, so the moderators of ${name} will decide without it.`,
      );
    case "not-yours":
      return text("This question was meant for someone else.");
    case "not-found":
      return REQUEST_GONE;
  }
}

/** To a moderator clicking Claim on a request someone else is reviewing. */
export function claimTaken(claim: { by: Actor; at: string; until: string }): Text {
  return text(
    ...actorPieces(claim.by),
    " is already reviewing this request (since ",
    { at: claim.at },
    ", until ",
    { at: claim.until },
    "). You can still approve or deny it.",
  );
}

/** To a moderator clicking Unclaim on someone else's claim. */
export function notYourClaim(claim: { by: Actor; until: string }): Text {
  return text(
    "Only ",
    ...actorPieces(claim.by),
    " can unclaim this request; their claim ends on its own at ",
    { at: claim.until },
    ".",
  );
}

export const NOT_CLAIMED = text("Nobody is reviewing this request right now.");

// The card's lines for the tools

export function claimLine(claim: { by: Actor; at: string; until: string }): Line {
  return line(
    "👀 Being reviewed by ",
    ...actorPieces(claim.by),
    " since ",
    { at: claim.at },
    " (until ",
    { at: claim.until },
    ")",
  );
}

export function waitingLine(round: { n: number; askedBy: Actor; askedAt: string }): Line {
  return line(
    "💬 Waiting for the applicant's reply since ",
    { at: round.askedAt },
    ` (question ${round.n}, asked by `,
    ...actorPieces(round.askedBy),
    ")",
  );
}

export function repliedLine(round: { n: number; repliedAt?: string | undefined }): Line {
  return line(
    `💬 Replied to question ${round.n}`,
    ...(round.repliedAt ? [" on ", { at: round.repliedAt }] : []),
    " (see the thread)",
  );
}

export function noReplyLine(round: { n: number; askedAt: string }, declined: boolean): Line {
  return line(
    `⚠️ No reply to question ${round.n} (asked `,
    { at: round.askedAt },
    declined ? "): declined for no reply" : `): back in the queue, flagged "no reply"`,
  );
}

export function blockedLine(blocked: { by: Actor; at: string }): Line {
  return line("🚫 Blocked from applying again by ", ...actorPieces(blocked.by), " on ", { at: blocked.at });
}

const CHANGE_LABEL = { changed: "changed", unchanged: "unchanged", new: "new" } as const;

/** The card's history: earlier requests in this community, and the answers against the last one. */
export function historyLines(history: RequestHistory): Line[] {
  const total = history.earlier.length + history.more;
  const lines: Line[] = [
    line({ bold: `Earlier requests here (${total}):` }),
    ...history.earlier.map((e) => {
      const when: Inline[] = [{ at: e.closedAt ?? e.createdAt, style: "date" }];
      const who: Inline[] =
        e.by && e.by.kind === "user"
          ? [" by ", { user: e.by.id, name: e.by.name }]
          : e.by
            ? [" automatically"]
            : [];
      const reason = e.reason ? [`: ${clip(e.reason.replace(/\s+/g, " "), 200)}`] : [];
      const blocked = e.blocked ? [" (blocked)"] : [];
      return line("• ", CARD_STATUS_LABEL[e.status], ...who, " on ", ...when, ...blocked, ...reason);
    }),
    ...(history.more > 0 ? [line(`• and ${history.more} more`)] : []),
  ];
  if (history.diff && history.diff.length > 0) {
    lines.push(
      line(
        { bold: "Answers since the last request:" },
        ` ${history.diff.map((d) => `${d.label} ${CHANGE_LABEL[d.change]}`).join(" · ")}`,
      ),
    );
  }
  return lines;
}
