import type { types } from "@slack/bolt";
import type { EffectState } from "../../../core/effects.js";
import { STATUS_LABEL } from "../../../core/messages.js";
import type { Actor, JoinRequest } from "../../../core/model.js";
import { mrkdwn, mrkdwnFit, plainText, truncate, userMention } from "../escape.js";
import { ACTION } from "../ids.js";

/**
 * The approval card: a pure function of the request's current state. Posted once by the worker,
 * re-rendered on every change (decision, waitlist, delivery issues); the buttons go once decided.
 * Applicant text is in `plain_text` objects or passed through `mrkdwn()`; the only mentions are
 * built from validated Slack ids.
 */

export type Block = types.KnownBlock;

export interface SlackMessage {
  /** Notification and screen-reader fallback; escaped like any mrkdwn. */
  text: string;
  blocks: Block[];
}

const SECTION_MAX = 3000;
const CONTEXT_MAX = 2000;
const HEADER_MAX = 150;

export function renderCard(state: EffectState): SlackMessage {
  const { request, community } = state;
  const blocks: Block[] = [
    {
      type: "header",
      text: {
        type: "plain_text",
        text: truncate(`Request to join ${community.name}`, HEADER_MAX),
        emoji: false,
      },
    },
    section(
      `*Applicant:* ${userMention(request.applicant.userId)} (${mrkdwnFit(request.applicant.name, 500)})`,
    ),
    { type: "context", elements: [plain(truncate(profileFacts(request), CONTEXT_MAX))] },
    { type: "divider" },
  ];
  for (const answer of request.answers) {
    const label = `*${mrkdwn(answer.label)}*\n`;
    blocks.push(
      section(label + (answer.value ? mrkdwnFit(answer.value, SECTION_MAX - label.length) : "(no answer)")),
    );
  }
  if (request.note) {
    const label = "*Personal note*\n";
    blocks.push(section(label + mrkdwnFit(request.note, SECTION_MAX - label.length)));
  }
  const { evaluation } = request;
  blocks.push(
    { type: "divider" },
    section(`*Profile strength:* ${evaluation.score}/100`),
    {
      type: "context",
      elements: [
        plain(
          truncate(
            evaluation.breakdown.items
              .map((i) => `${i.label} ${i.points}/${i.max}${i.detail ? ` (${i.detail})` : ""}`)
              .join(" · "),
            CONTEXT_MAX,
          ),
        ),
      ],
    },
    section(rulesText(request)),
    section(truncate(statusText(state), SECTION_MAX)),
  );
  if (request.issues && request.issues.length > 0) {
    blocks.push(
      section(truncate(request.issues.map((i) => `:warning: ${mrkdwn(i)}`).join("\n"), SECTION_MAX)),
    );
  }
  if (request.status === "pending") {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: ACTION.approve,
          text: { type: "plain_text", text: "Approve", emoji: false },
          style: "primary",
          value: request.id,
        },
        {
          type: "button",
          action_id: ACTION.deny,
          text: { type: "plain_text", text: "Deny", emoji: false },
          style: "danger",
          value: request.id,
        },
      ],
    });
  }
  const text = mrkdwn(
    truncate(
      `Request to join ${community.name} from ${request.applicant.name}: ${STATUS_LABEL[request.status]}`,
      500,
    ),
  );
  return { text, blocks };
}

function section(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text } };
}

function plain(text: string): types.PlainTextElement {
  return { type: "plain_text", text: plainText(text) || " ", emoji: false };
}

/** The profile at a glance, as plain text (every field is the applicant's own). */
function profileFacts(request: JoinRequest): string {
  const p = request.profile;
  if (!p.available) return "Slack profile unavailable (the lookup failed or timed out)";
  const facts = [
    p.realName ? `Real name: ${p.realName}` : "No real name",
    p.title ? `Title: ${p.title}` : "No title",
    p.timezone ? `Time zone: ${p.timezone}` : undefined,
    p.email ? `Email: ${p.email}` : undefined,
    p.hasAvatar ? "Custom photo" : "Default photo",
    p.isGuest ? "Guest account" : undefined,
    p.isBot ? "Bot account" : undefined,
    p.isDeleted ? "Deactivated account" : undefined,
  ];
  return facts.filter((f): f is string => f !== undefined).join(" · ");
}

function rulesText(request: JoinRequest): string {
  const rules = request.evaluation.rules;
  if (rules.length === 0) return "*Rules:* none configured";
  const lines = rules.map(
    (r) => `${r.passed ? ":white_check_mark:" : ":x:"} *${mrkdwn(r.label)}*: ${mrkdwn(r.detail)}`,
  );
  const head = request.evaluation.passed ? "*Rules:* all passed" : "*Rules:* some failed";
  return truncate([head, ...lines].join("\n"), SECTION_MAX);
}

/** "2026-06-01 12:00 UTC". */
export function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Who decided: a mention for a Slack user, "automatically" for the bot's own rules. */
export function decidedBy(actor: Actor): string {
  return actor.kind === "system" ? "automatically" : `by ${userMention(actor.id)}`;
}

function seatsText(state: EffectState): string {
  const { used, capacity } = state.seats;
  return capacity === undefined
    ? `${used} members admitted (no limit)`
    : `Seats: ${used} of ${capacity} taken`;
}

function statusText(state: EffectState): string {
  const { request } = state;
  const d = request.decision;
  const by = d ? `${decidedBy(d.by)} on ${when(d.at)}` : "";
  const reason = d?.reason ? `\n*Reason:* ${mrkdwnFit(d.reason, 1200)}` : "";
  switch (request.status) {
    case "pending":
      return `:hourglass_flowing_sand: *Waiting for review* · ${seatsText(state)}`;
    case "approved": {
      const admitted = request.admittedAt && d?.outcome === "approved" && request.admittedAt !== d.at;
      return `:white_check_mark: *Approved* ${by}${admitted ? ` · seat given on ${when(request.admittedAt ?? "")}` : ""} · ${seatsText(state)}${reason}`;
    }
    case "waitlisted": {
      const position = state.waitlistPosition
        ? `position ${state.waitlistPosition} on the waitlist`
        : "on the waitlist";
      return `:clock3: *Approved, waiting for a seat* (${position}) ${by} · ${seatsText(state)}${reason}`;
    }
    case "denied":
      return `:no_entry: *Denied* ${by}${reason}`;
    case "withdrawn":
      return `:leftwards_arrow_with_hook: *Withdrawn* by the applicant on ${when(request.closedAt ?? request.updatedAt)}`;
    case "expired":
      return `:hourglass: *Expired* on ${when(request.closedAt ?? request.updatedAt)}: nobody decided in time`;
  }
}
