import type { Community } from "./config/schema.js";
import type { EffectState } from "./effects.js";
import { lapsed } from "./interview-state.js";
import {
  blockedLine,
  CARD_STATUS_LABEL,
  claimLine,
  historyLines,
  noReplyLine,
  personalDataRemoved,
  repliedLine,
  waitingLine,
} from "./messages.js";
import type { Actor, JoinRequest, RequestStatus } from "./model.js";
import type { Profile } from "./profile.js";
import { type Inline, type Line, line } from "./text.js";

/**
 * The approval card as data: what moderators see about a request, whatever the platform. A pure
 * function of the recorded state; the Slack and Discord builders only lay it out.
 */
export interface CardModel {
  requestId: string;
  communityId: string;
  title: string;
  status: RequestStatus;
  applicant: { userId: string; name: string };
  submittedAt: string;
  /** The profile at a glance, each fact the applicant's own data as text. */
  profile: string[];
  answers: { label: string; value: string }[];
  note: string | undefined;
  score: JoinRequest["evaluation"]["breakdown"] & { total: number };
  rules: {
    heading: Line;
    items: { label: string; passed: boolean; checked: boolean; detail: string }[];
  };
  /** The state line: status, who decided and when, waitlist position, closing. */
  headline: Line;
  /** The decision's reason, as the moderator (or the rules) gave it. */
  reason: string | undefined;
  /** Seats, while they matter to this request (open or admitted). */
  seats: string | undefined;
  /** What moderators should know: delivery problems, rules the bot could not check. */
  issues: string[];
  /** Which buttons are live. */
  actions: { approve: boolean; deny: boolean };
  /** The moderator tools' state: who is reviewing it, the interview, a block. */
  activity: Line[];
  /** The applicant's earlier requests in this community and what changed in the answers (empty: none). */
  history: Line[];
  /** Which tool buttons are live: ask (no question open), claim or unclaim. */
  tools: { ask: boolean; claim: boolean; unclaim: boolean };
}

const PLATFORM_NAME = { slack: "Slack", discord: "Discord" } as const;

export function cardModel(state: EffectState): CardModel {
  const { request, community } = state;
  const { evaluation } = request;
  const unchecked = evaluation.rules.filter((r) => !r.passed && !r.checked);
  const open = request.status === "pending";
  return {
    requestId: request.id,
    communityId: community.id,
    title: `Request to join ${community.name}`,
    status: request.status,
    applicant: request.applicant,
    submittedAt: request.createdAt,
    // Once the personal data is gone (core/privacy.ts) the request carries a redacted copy.
    profile: request.privacy?.removed
      ? [personalDataRemoved(request.privacy)]
      : profileFacts(request.profile),
    answers: request.answers.map((a) => ({ label: a.label, value: a.value })),
    note: request.note,
    score: { ...evaluation.breakdown, total: evaluation.score },
    rules: {
      heading: line(
        { bold: "Rules:" },
        evaluation.rules.length === 0
          ? " none configured"
          : evaluation.passed
            ? " all passed"
            : " some failed",
      ),
      items: evaluation.rules.map((r) => ({
        label: r.label,
        passed: r.passed,
        checked: r.checked,
        detail: r.detail,
      })),
    },
    headline: headline(request, state.waitlistPosition),
    reason: request.decision?.reason,
    seats:
      state.seats && ["pending", "approved", "waitlisted"].includes(request.status)
        ? seatsLine(state.seats, community)
        : undefined,
    issues: [
      ...(open && unchecked.length > 0
        ? [
            `${unchecked.length === 1 ? "One rule" : `${unchecked.length} rules`} could not be checked; review them by hand.`,
          ]
        : []),
      ...(request.issues ?? []),
    ],
    actions: { approve: open, deny: open },
    activity: activity(request),
    history: request.history ? historyLines(request.history) : [],
    tools: {
      ask: open && request.awaitingRound === undefined,
      claim: open && !request.claim,
      unclaim: open && request.claim !== undefined,
    },
  };
}

function activity(request: JoinRequest): Line[] {
  const open = request.status === "pending";
  const lines: Line[] = [];
  if (open && request.claim) lines.push(claimLine(request.claim));
  const last = request.interview?.at(-1);
  if (last) {
    if (last.reply) lines.push(repliedLine(last));
    else if (lapsed(request, last)) lines.push(noReplyLine(last, request.status === "denied"));
    else if (open && request.awaitingRound === last.n) lines.push(waitingLine(last));
  }
  if (request.blocked) lines.push(blockedLine(request.blocked));
  return lines;
}

function by(actor: Actor): Inline[] {
  if (actor.kind === "operator") return [`by ${actor.name ?? "an operator"}`];
  return actor.kind === "system" ? ["automatically"] : ["by ", { user: actor.id, name: actor.name }];
}

function headline(request: JoinRequest, waitlistPosition: number | undefined): Line {
  const label = { bold: CARD_STATUS_LABEL[request.status] };
  const d = request.decision;
  const decided: Inline[] = d ? [" ", ...by(d.by), " on ", { at: d.at }] : [];
  const closed = request.closedAt ?? request.updatedAt;
  switch (request.status) {
    case "pending":
      return line(label);
    case "approved": {
      const fromWaitlist = request.admittedAt && d?.outcome === "approved" && request.admittedAt !== d.at;
      return line(
        label,
        ...decided,
        ...(fromWaitlist && request.admittedAt ? [" · seat given on ", { at: request.admittedAt }] : []),
        ...(request.leftAt ? [" · seat given back and access revoked on ", { at: request.leftAt }] : []),
      );
    }
    case "waitlisted": {
      const position = waitlistPosition ? `position ${waitlistPosition} on the waitlist` : "on the waitlist";
      return line(label, ` (${position})`, ...decided);
    }
    case "denied":
      return line(label, ...decided);
    case "withdrawn":
      return line(label, " by the applicant on ", { at: closed });
    case "expired":
      return line(label, " on ", { at: closed }, ": nobody decided in time");
  }
}

function seatsLine(seats: NonNullable<EffectState["seats"]>, community: Community): string {
  const { used, capacity } = seats;
  if (capacity === undefined) return `Seats: ${used} taken (no limit)`;
  const full =
    used >= capacity
      ? ` · full (${community.whenFull === "waitlist" ? "approvals join the waitlist" : "new requests are declined"})`
      : "";
  return `Seats: ${used} of ${capacity} taken${full}`;
}

/** The profile at a glance (every value is the applicant's own). Only an email's domain is shown. */
export function profileFacts(p: Profile): string[] {
  if (!p.available)
    return [`${PLATFORM_NAME[p.platform]} profile unavailable (the lookup failed or timed out)`];
  const domain = p.emailDomain;
  const facts: (string | undefined)[] = [
    p.realName ? `${p.platform === "slack" ? "Real name" : "Display name"}: ${p.realName}` : undefined,
    p.platform === "slack" ? (p.title ? `Title: ${p.title}` : "No title") : undefined,
    p.timezone ? `Time zone: ${p.timezone}` : undefined,
    domain ? `Email domain: ${domain}` : undefined,
    p.hasAvatar === undefined ? undefined : p.hasAvatar ? "Custom photo" : "Default photo",
    p.accountCreatedAt ? `Account created ${p.accountCreatedAt.slice(0, 10)}` : undefined,
    p.joinedAt ? `Joined the server ${p.joinedAt.slice(0, 10)}` : undefined,
    p.isGuest ? "Guest account" : undefined,
    p.isBot ? "Bot account" : undefined,
    p.isDeleted ? "Deactivated account" : undefined,
  ];
  if (p.platform === "slack" && !p.realName) facts.unshift("No real name");
  return facts.filter((f): f is string => f !== undefined);
}
