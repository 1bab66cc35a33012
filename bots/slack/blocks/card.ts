import type { types } from "@slack/bolt";
import { type CardModel, cardModel } from "../../../core/card.js";
import type { EffectState } from "../../../core/effects.js";
import { STATUS_LABEL, TOOL_BUTTONS } from "../../../core/messages.js";
import type { RequestStatus } from "../../../core/model.js";
import { line } from "../../../core/text.js";
import { mrkdwn, mrkdwnFit, plainText, truncate, userMention } from "../escape.js";
import { ACTION } from "../ids.js";
import { toMrkdwn } from "../render.js";

/**
 * The approval card in Block Kit: a pure layout of the core's card model (`core/card.ts`).
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

const ICON: Record<RequestStatus, string> = {
  pending: ":hourglass_flowing_sand:",
  approved: ":white_check_mark:",
  waitlisted: ":clock3:",
  denied: ":no_entry:",
  withdrawn: ":leftwards_arrow_with_hook:",
  expired: ":hourglass:",
};

export function renderCard(state: EffectState): SlackMessage {
  const card = cardModel(state);
  const blocks: Block[] = [
    { type: "header", text: { type: "plain_text", text: truncate(card.title, HEADER_MAX), emoji: false } },
    section(`*Applicant:* ${userMention(card.applicant.userId)} (${mrkdwnFit(card.applicant.name, 500)})`),
    { type: "context", elements: [plain(truncate(card.profile.join(" · "), CONTEXT_MAX))] },
    { type: "divider" },
  ];
  for (const answer of card.answers) {
    const label = `*${mrkdwn(answer.label)}*\n`;
    blocks.push(
      section(label + (answer.value ? mrkdwnFit(answer.value, SECTION_MAX - label.length) : "(no answer)")),
    );
  }
  if (card.note) {
    const label = "*Personal note*\n";
    blocks.push(section(label + mrkdwnFit(card.note, SECTION_MAX - label.length)));
  }
  blocks.push(
    { type: "divider" },
    section(`*Profile strength:* ${card.score.total}/100`),
    {
      type: "context",
      elements: [
        plain(
          truncate(
            card.score.items
              .map((i) => `${i.label} ${i.points}/${i.max}${i.detail ? ` (${i.detail})` : ""}`)
              .join(" · "),
            CONTEXT_MAX,
          ),
        ),
      ],
    },
    section(rulesText(card)),
    section(truncate(statusText(card), SECTION_MAX)),
  );
  if (card.activity.length > 0) blocks.push(section(truncate(toMrkdwn(card.activity), SECTION_MAX)));
  if (card.history.length > 0) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: truncate(toMrkdwn(card.history), CONTEXT_MAX) }],
    });
  }
  if (card.issues.length > 0) {
    blocks.push(section(truncate(card.issues.map((i) => `:warning: ${mrkdwn(i)}`).join("\n"), SECTION_MAX)));
  }
  const buttons: types.Button[] = [];
  if (card.actions.approve) buttons.push(button(ACTION.approve, "Approve", "primary", card.requestId));
  if (card.actions.deny) buttons.push(button(ACTION.deny, "Deny", "danger", card.requestId));
  if (card.tools.ask) buttons.push(button(ACTION.ask, TOOL_BUTTONS.ask, undefined, card.requestId));
  if (card.tools.claim) buttons.push(button(ACTION.claim, TOOL_BUTTONS.claim, undefined, card.requestId));
  if (card.tools.unclaim)
    buttons.push(button(ACTION.unclaim, TOOL_BUTTONS.unclaim, undefined, card.requestId));
  if (buttons.length > 0) blocks.push({ type: "actions", elements: buttons });
  const text = mrkdwn(
    truncate(`${card.title} from ${card.applicant.name}: ${STATUS_LABEL[card.status]}`, 500),
  );
  return { text, blocks };
}

function button(
  actionId: string,
  label: string,
  style: "primary" | "danger" | undefined,
  value: string,
): types.Button {
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text: label, emoji: false },
    ...(style ? { style } : {}),
    value,
  };
}

function section(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text } };
}

function plain(text: string): types.PlainTextElement {
  return { type: "plain_text", text: plainText(text) || " ", emoji: false };
}

function rulesText(card: CardModel): string {
  const lines = card.rules.items.map(
    (r) =>
      `${r.passed ? ":white_check_mark:" : r.checked ? ":x:" : ":grey_question:"} *${mrkdwn(r.label)}*${r.detail ? `: ${mrkdwn(r.detail)}` : ""}`,
  );
  return truncate([toMrkdwn([card.rules.heading]), ...lines].join("\n"), SECTION_MAX);
}

function statusText(card: CardModel): string {
  const head = `${ICON[card.status]} ${toMrkdwn([card.headline])}${card.seats ? ` · ${mrkdwn(card.seats)}` : ""}`;
  return card.reason
    ? `${head}\n${toMrkdwn([line({ bold: "Reason:" }, ` ${truncate(card.reason, 1200)}`)])}`
    : head;
}
