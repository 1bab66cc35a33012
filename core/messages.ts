import type { Community } from "./config/schema.js";
import type { EffectSpec, NoticeKind } from "./effects.js";
import type { JoinRequest, RequestStatus } from "./model.js";
import type { Refusal } from "./requests.js";

/**
 * The bot's words, platform-neutral plain text. Adapters add their markup and escape anything
 * that came from a user; nothing here contains applicant text except where a parameter says so.
 */

const date = (iso: string) => iso.slice(0, 10);

export function refusal(community: Community, r: Refusal): string {
  switch (r.reason) {
    case "pending":
      return `You already have a request to join ${community.name} waiting for review. You'll hear back as soon as a moderator decides.`;
    case "waitlisted":
      return `You're approved for ${community.name} and on the waitlist; you'll be let in as soon as a seat frees up.`;
    case "member":
      return `You're already a member of ${community.name}.`;
    case "cooldown":
      return `Your last request to join ${community.name} was declined. You can apply again after ${date(r.until)}.`;
    case "blocked":
      return `You can't apply to join ${community.name}.`;
    case "full":
      return `${community.name} is full and not taking new requests right now.`;
  }
}

export const STATUS_LABEL: Record<RequestStatus, string> = {
  pending: "Waiting for review",
  approved: "Approved",
  waitlisted: "Approved, on the waitlist",
  denied: "Declined",
  withdrawn: "Withdrawn",
  expired: "Expired",
};

/** What the applicant is told right after submitting. */
export function received(community: Community, request: JoinRequest, position?: number): string {
  switch (request.status) {
    case "pending":
      return `Thanks! Your request to join ${community.name} was received. The moderators will review it and you'll get a message with their decision.`;
    case "approved":
      return `Welcome to ${community.name}! Your request was approved; access is on its way.`;
    case "waitlisted":
      return `Your request to join ${community.name} was approved, but it's full right now. You're on the waitlist${position ? ` at position ${position}` : ""}.`;
    case "denied":
      return `Your request to join ${community.name} was declined${request.decision?.reason ? `: ${request.decision.reason}` : "."}`;
    default:
      return `Your request to join ${community.name} is ${STATUS_LABEL[request.status].toLowerCase()}.`;
  }
}

/** The notice's plain text, without the reason (adapters append the escaped reason). */
export function notice(community: Community, kind: NoticeKind, position?: number): string {
  switch (kind) {
    case "approved":
      return `Good news: your request to join ${community.name} was approved. Welcome!`;
    case "admitted":
      return `A seat opened up: you're now a member of ${community.name}. Welcome!`;
    case "waitlisted":
      return `Your request to join ${community.name} was approved, but the community is full. You're on the waitlist${position ? ` at position ${position}` : ""} and will be let in when a seat frees up.`;
    case "denied":
      return `Your request to join ${community.name} was declined.`;
    case "expired":
      return `Your request to join ${community.name} expired before a moderator could review it. You're welcome to apply again.`;
  }
}

export function withdrawn(community: Community): string {
  return `Your request to join ${community.name} was withdrawn.`;
}

export function nothingToWithdraw(community: Community): string {
  return `You have no open request to join ${community.name}.`;
}

export function unknownCommunity(id: string, communities: Community[]): string {
  return communities.length === 0
    ? `There's no community called "${id}" here, and none is set up in this workspace.`
    : `There's no community called "${id}" here. Try one of: ${communities.map((c) => c.id).join(", ")}.`;
}

export const NO_COMMUNITIES = "No community is set up for this workspace yet.";
export const NOT_A_MODERATOR = "Only this community's moderators can approve or deny requests.";

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
    case "remind":
      return "reminding the moderators";
    case "stuck":
      return "telling the moderators about a stuck delivery";
  }
}

/**
 * Posted once to the review channel when a delivery keeps failing. `applicant` is user text
 * (adapters escape the whole sentence); `why` is the last error.
 */
export function stuck(community: Community, applicant: string, what: string, why: string): string {
  return (
    `Delivery stuck: Gatekeeper keeps failing at ${what} for ${applicant}'s request to join ` +
    `${community.name} (last error: ${why}). It keeps retrying, at least hourly; an operator can list it with ` +
    `"gatekeeper outbox list" and retry it now with "gatekeeper outbox retry".`
  );
}
