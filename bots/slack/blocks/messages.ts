import type { Community } from "../../../core/config/schema.js";
import type { EffectState, NoticeKind } from "../../../core/effects.js";
import * as Messages from "../../../core/messages.js";
import type { JoinRequest } from "../../../core/model.js";
import type { ApplicantRequest } from "../../../core/requests.js";
import { mrkdwn, mrkdwnFit, userMention } from "../escape.js";
import { decidedBy, when } from "./card.js";

/**
 * The bot's Slack messages other than the card: notices (DMs), reminders and `/apply` replies.
 * The core's plain text is escaped whole; only ids the bot validated become mentions.
 */

/** The DM telling the applicant what happened, with the reason for a decline. */
export function noticeText(state: EffectState, kind: NoticeKind): string {
  const base = mrkdwn(Messages.notice(state.community, kind, state.waitlistPosition));
  const reason = state.request.decision?.reason;
  return kind === "denied" && reason ? `${base}\n*Reason:* ${mrkdwnFit(reason, 2000)}` : base;
}

/** The reminder posted under the card: mentions the moderators, names the applicant as text. */
export function reminderText(state: EffectState): string {
  const { request, community } = state;
  const moderators = community.moderators.users.map(userMention).join(" ");
  return `:alarm_clock: ${moderators}${moderators ? " " : ""}the request from ${mrkdwn(request.applicant.name)} to join ${mrkdwn(
    community.name,
  )} has been waiting for review since ${when(request.createdAt)}.`;
}

/** A notice from the core to the review channel (a stuck delivery), escaped whole. */
export function alertText(text: string): string {
  return `:warning: ${mrkdwn(text)}`;
}

/** "Already approved by @mod on …" (mrkdwn) for a click on a request that was decided meanwhile. */
export function alreadyText(request: JoinRequest): string {
  const d = request.decision;
  return already(request, d ? ` ${decidedBy(d.by)} on ${when(d.at)}` : "");
}

/** The same as plain text (for a modal): the moderator by name. */
export function alreadyPlainText(request: JoinRequest): string {
  const d = request.decision;
  const by = d ? (d.by.kind === "system" ? " automatically" : ` by ${d.by.name ?? d.by.id}`) : "";
  return already(request, d ? `${by} on ${when(d.at)}` : "");
}

function already(request: JoinRequest, on: string): string {
  switch (request.status) {
    case "approved":
      return `This request was already approved${on}.`;
    case "waitlisted":
      return `This request was already approved${on}; the applicant is on the waitlist.`;
    case "denied":
      return `This request was already denied${on}.`;
    case "withdrawn":
      return "The applicant withdrew this request.";
    case "expired":
      return "This request expired before anyone decided.";
    case "pending":
      return "This request is still waiting for review.";
  }
}

export function fullText(
  community: Community,
  seats: { used: number; capacity: number | undefined },
): string {
  return mrkdwn(
    `${community.name} is full (${seats.used} of ${seats.capacity ?? "?"} seats taken) and set to decline new members while full, so nothing changed. Deny the request, or free a seat first.`,
  );
}

export function statusText(items: ApplicantRequest[], find: (id: string) => Community | undefined): string {
  if (items.length === 0)
    return "You have no requests to join a community here yet. Type `/apply` to start one.";
  const lines = items.map(({ request, waitlistPosition }) => {
    const name = find(request.communityId)?.name ?? request.communityId;
    const position = waitlistPosition ? ` (position ${waitlistPosition})` : "";
    return `• *${mrkdwn(name)}*: ${Messages.STATUS_LABEL[request.status]}${position} · since ${request.createdAt.slice(0, 10)}`;
  });
  return `*Your requests*\n${lines.join("\n")}`;
}

export function chooseText(communities: Community[]): string {
  const lines = communities.map(
    (c) => `• \`${c.id}\` ${mrkdwn(c.name)}${c.description ? `: ${mrkdwn(c.description)}` : ""}`,
  );
  return `Which community would you like to join? Type \`/apply <community>\`:\n${lines.join("\n")}`;
}

export function helpText(communities: Community[]): string {
  const known =
    communities.length > 0 ? `\nCommunities here: ${communities.map((c) => `\`${c.id}\``).join(", ")}` : "";
  return (
    [
      "*Gatekeeper: ask to join a community*",
      "• `/apply`: the form of this workspace's community, or the list when there are several",
      "• `/apply <community>`: the form of that community",
      "• `/apply status`: your requests and where they stand",
      "• `/apply withdraw <community>`: withdraw a request that is still open",
      "• `/apply help`: this message",
    ].join("\n") + known
  );
}

/** Any core sentence (refusals, withdrawn, unknown community …) as safe mrkdwn. */
export function say(text: string): string {
  return mrkdwn(text);
}
