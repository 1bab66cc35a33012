import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
  type RESTPostAPIChannelMessageJSONBody,
} from "discord-api-types/v10";
import { cardModel } from "../../core/card.js";
import type { EffectState, NoticeKind, ThreadEntry } from "../../core/effects.js";
import * as Messages from "../../core/messages.js";
import type { RequestStatus } from "../../core/model.js";
import { line, plainText, type Text } from "../../core/text.js";
import { customIds } from "./custom-ids.js";
import { escapeLine, escapeText, NO_MENTIONS, timestampTag, truncate } from "./escape.js";
import { toMarkdown } from "./render.js";

/**
 * The approval card, the applicant's notices and the moderators' reminder, as Discord message
 * bodies: a pure layout of the core's card model and words. Applicant and moderator text is
 * escaped; the bot's own mentions are of ids Discord gave it, and `allowed_mentions` stops any
 * ping except the reminder's moderators.
 *
 * Plain API objects, no @discordjs/builders: every length is cut to Discord's limits here, and
 * the builders' validator (with lodash) was 130 KB of every function that posts a card (the
 * outbox workers and sweepers), which put the Discord ones over 1 MB.
 */

/** Discord's limits. */
const LIMITS = {
  embedTotal: 6000,
  description: 4096,
  fieldValue: 1024,
  fieldName: 256,
  title: 256,
  content: 2000,
};
/** Headroom kept under the 6000-character total for the footer and rounding. */
const SAFETY = 200;

const COLORS: Record<RequestStatus, number> = {
  pending: 0x5865f2,
  approved: 0x57f287,
  waitlisted: 0xfee75c,
  denied: 0xed4245,
  withdrawn: 0x99aab5,
  expired: 0x99aab5,
};

const ICONS: Record<RequestStatus, string> = {
  pending: "⏳",
  approved: "✅",
  waitlisted: "🕒",
  denied: "⛔",
  withdrawn: "↩️",
  expired: "⌛",
};

function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/**
 * Shares `budget` characters among texts (water-filling): short ones keep everything, long ones
 * get an equal share of what is left, none more than `cap`.
 */
export function allocate(lengths: number[], budget: number, cap: number): number[] {
  const order = lengths.map((len, i) => ({ len, i })).sort((a, b) => a.len - b.len);
  const out = new Array<number>(lengths.length).fill(0);
  let left = Math.max(0, budget);
  order.forEach(({ len, i }, k) => {
    const share = Math.floor(left / (order.length - k));
    const take = Math.max(0, Math.min(len, share, cap));
    out[i] = take;
    left -= take;
  });
  return out;
}

export function renderCard(state: EffectState): RESTPostAPIChannelMessageJSONBody {
  const card = cardModel(state);
  const description = [
    `**Applicant:** <@${card.applicant.userId}> · ${escapeLine(card.applicant.name)}`,
    `${ICONS[card.status]} ${toMarkdown([card.headline])}`,
    ...(card.reason ? [toMarkdown([line({ bold: "Reason:" }, ` ${card.reason}`)])] : []),
    ...(card.seats ? [escapeText(card.seats)] : []),
    ...card.activity.map((l) => toMarkdown([l])),
    `**Submitted:** ${timestampTag(card.submittedAt)}`,
    ...(card.profile.length > 0 ? [`**Profile:** ${escapeText(card.profile.join(" · "))}`] : []),
  ].join("\n");

  const scoreLines = card.score.items.map(
    (item) =>
      `• ${escapeLine(item.label)}: ${item.points}/${item.max}${item.detail ? ` (${escapeLine(item.detail)})` : ""}`,
  );
  const ruleLines =
    card.rules.items.length === 0
      ? ["No rules configured."]
      : card.rules.items.map(
          (r) =>
            `${r.passed ? "✅" : r.checked ? "❌" : "❔"} ${escapeLine(r.label)}${r.detail ? `: ${escapeLine(r.detail)}` : ""}`,
        );

  const summaryJson: APIEmbed = {
    title: truncate(escapeLine(card.title), LIMITS.title),
    color: COLORS[card.status],
    description: truncate(description, LIMITS.description),
    fields: [
      {
        name: `Profile strength: ${card.score.total}/100`,
        value: truncate(scoreLines.join("\n") || "—", LIMITS.fieldValue),
      },
      {
        name: plainText([card.rules.heading]),
        value: truncate(ruleLines.join("\n"), LIMITS.fieldValue),
      },
      ...(card.history.length > 0
        ? [{ name: "History", value: toMarkdown(card.history, LIMITS.fieldValue) }]
        : []),
      ...(card.issues.length > 0
        ? [
            {
              name: "⚠️ Needs attention",
              value: truncate(card.issues.map((i) => `• ${escapeText(i)}`).join("\n"), LIMITS.fieldValue),
            },
          ]
        : []),
    ],
    footer: { text: `Request ${card.requestId} · ${card.communityId}` },
    timestamp: new Date(card.submittedAt).toISOString(),
  };

  // Answers and note: everything that is left of the 6000-character budget, shared fairly.
  // Cut before escaping too: a field shows at most 1024 characters, and escaping long text costs time.
  const fieldText = (value: string) => escapeText(truncate(value, LIMITS.fieldValue));
  const entries = [
    ...card.answers.map((a) => ({
      name: truncate(escapeLine(a.label), LIMITS.fieldName),
      value: a.value ? fieldText(a.value) : "*(no answer)*",
    })),
    ...(card.note ? [{ name: "Personal note", value: fieldText(card.note) }] : []),
  ];
  const fixed = embedLength(summaryJson) + "Answers".length + entries.reduce((n, e) => n + e.name.length, 0);
  const shares = allocate(
    entries.map((e) => e.value.length),
    LIMITS.embedTotal - SAFETY - fixed,
    LIMITS.fieldValue,
  );
  const embeds: APIEmbed[] = [summaryJson];
  if (entries.length > 0) {
    embeds.push({
      title: "Answers",
      color: COLORS[card.status],
      fields: entries.map((e, i) => ({
        name: e.name,
        value: truncate(e.value, Math.max(2, shares[i] ?? 2)),
      })),
    });
  }

  const button = (
    id: string,
    label: string,
    style: APIButtonComponentWithCustomId["style"],
  ): APIButtonComponentWithCustomId => ({ type: ComponentType.Button, custom_id: id, label, style });
  const buttons = [
    ...(card.actions.approve
      ? [button(customIds.approve(card.requestId), "Approve", ButtonStyle.Success)]
      : []),
    ...(card.actions.deny ? [button(customIds.deny(card.requestId), "Deny", ButtonStyle.Danger)] : []),
    ...(card.tools.ask
      ? [button(customIds.ask(card.requestId), Messages.TOOL_BUTTONS.ask, ButtonStyle.Secondary)]
      : []),
    ...(card.tools.claim
      ? [button(customIds.claim(card.requestId), Messages.TOOL_BUTTONS.claim, ButtonStyle.Secondary)]
      : []),
    ...(card.tools.unclaim
      ? [button(customIds.unclaim(card.requestId), Messages.TOOL_BUTTONS.unclaim, ButtonStyle.Secondary)]
      : []),
  ];
  const components: APIActionRowComponent<APIButtonComponentWithCustomId>[] =
    buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [];

  return { embeds, components, allowed_mentions: NO_MENTIONS };
}

/** The DM telling the applicant what happened (with the reason, when declined). */
export function renderNotice(state: EffectState, kind: NoticeKind): RESTPostAPIChannelMessageJSONBody {
  const reason = kind === "denied" ? state.request.decision?.reason : undefined;
  const text = Messages.notice(state.community, kind, state.waitlistPosition, reason);
  return { content: toMarkdown(text, LIMITS.content), allowed_mentions: NO_MENTIONS };
}

/** The core's words to the review channel (a stuck delivery). */
export function renderAlert(text: Text): RESTPostAPIChannelMessageJSONBody {
  return { content: `⚠️ ${toMarkdown(text, LIMITS.content - 3)}`, allowed_mentions: NO_MENTIONS };
}

/** The reminder posted in the review channel as a reply to the card; it pings the listed moderators only. */
export function renderReminder(state: EffectState): RESTPostAPIChannelMessageJSONBody {
  const { request, community } = state;
  return {
    content: `⏰ ${toMarkdown(Messages.reminder(request, community), LIMITS.content - 2)}`,
    allowed_mentions: { parse: [], users: community.moderators.users.slice(0, 100), replied_user: false },
    ...(request.card
      ? {
          message_reference: {
            message_id: request.card.id,
            channel_id: request.card.channel,
            fail_if_not_exists: false,
          },
        }
      : {}),
  };
}

/** The DM carrying a moderator's question, with the Reply button. */
export function renderQuestion(state: EffectState, round: number): RESTPostAPIChannelMessageJSONBody {
  const asked = state.request.interview?.[round - 1];
  if (!asked) throw new Error(`request ${state.request.id} has no question ${round}`);
  return {
    content: toMarkdown(Messages.questionDm(state.community, asked.question, asked.dueAt), LIMITS.content),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            custom_id: customIds.answer(state.request.id, round),
            label: Messages.TOOL_BUTTONS.reply,
            style: ButtonStyle.Primary,
          },
        ],
      },
    ],
    allowed_mentions: NO_MENTIONS,
  };
}

/**
 * One entry of the interview, for the card's thread. The reply pings the moderator who asked (and
 * nobody else); the question and the no-reply note ping nobody.
 */
export function renderThreadEntry(state: EffectState, entry: ThreadEntry): RESTPostAPIChannelMessageJSONBody {
  const { request, community } = state;
  const round = request.interview?.[entry.round - 1];
  if (!round) throw new Error(`request ${request.id} has no question ${entry.round}`);
  switch (entry.part) {
    case "question":
      return {
        content: `❓ ${toMarkdown(Messages.questionPost(round.n, round.askedBy, round.question), LIMITS.content - 3)}`,
        allowed_mentions: NO_MENTIONS,
      };
    case "reply":
      return {
        content: `💬 ${toMarkdown(Messages.replyPost(round.n, request, round.askedBy, round.reply ?? ""), LIMITS.content - 3)}`,
        allowed_mentions: {
          parse: [],
          users: round.askedBy.kind === "user" ? [round.askedBy.id] : [],
        },
      };
    case "no-reply":
      return {
        content: `⌛ ${toMarkdown(Messages.noReplyPost(round.n, community, request.status === "denied"), LIMITS.content - 3)}`,
        allowed_mentions: NO_MENTIONS,
      };
  }
}
