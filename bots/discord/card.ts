import { ActionRowBuilder, ButtonBuilder, EmbedBuilder } from "@discordjs/builders";
import { type APIEmbed, ButtonStyle, type RESTPostAPIChannelMessageJSONBody } from "discord-api-types/v10";
import type { EffectState, NoticeKind } from "../../core/effects.js";
import * as Messages from "../../core/messages.js";
import type { Actor, JoinRequest, RequestStatus } from "../../core/model.js";
import { customIds } from "./custom-ids.js";
import { escapeLine, escapeText, NO_MENTIONS, timestampTag, truncate } from "./escape.js";

/**
 * The approval card, the applicant's notices and the moderators' reminder, as Discord message
 * bodies. Pure: everything comes from the recorded state, so the worker can re-render the card
 * at any time (decision, waitlist, delivery issues). Applicant and moderator text is escaped;
 * the bot's own mentions are of ids Discord gave it, and `allowed_mentions` stops any ping.
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

function actor(a: Actor): string {
  return a.kind === "system" ? "Gatekeeper (automatically)" : `<@${a.id}>`;
}

/** The status line (and reason) moderators see at the top of the card. */
export function statusLines(request: JoinRequest, waitlistPosition: number | undefined): string[] {
  const label = `${ICONS[request.status]} **${Messages.STATUS_LABEL[request.status]}**`;
  const d = request.decision;
  const lines: string[] = [];
  switch (request.status) {
    case "pending":
      lines.push(label);
      break;
    case "approved":
    case "denied":
    case "waitlisted":
      lines.push(d ? `${label} by ${actor(d.by)}, ${timestampTag(d.at)}` : label);
      if (request.status === "waitlisted" && waitlistPosition)
        lines.push(`Waitlist position: **${waitlistPosition}**`);
      if (request.status === "approved" && request.admittedAt && d && request.admittedAt !== d.at) {
        lines.push(`Admitted from the waitlist ${timestampTag(request.admittedAt)}`);
      }
      if (d?.reason) lines.push(`**Reason:** ${escapeText(d.reason)}`);
      break;
    case "withdrawn":
      lines.push(`${label} by the applicant${request.closedAt ? `, ${timestampTag(request.closedAt)}` : ""}`);
      break;
    case "expired":
      lines.push(
        `${label} without a decision${request.closedAt ? `, ${timestampTag(request.closedAt)}` : ""}`,
      );
      break;
  }
  return lines;
}

function seatsLine(state: EffectState): string {
  const { used, capacity } = state.seats;
  if (capacity === undefined) return `**Seats:** ${used} taken (no limit)`;
  const full =
    used >= capacity
      ? ` · full (${state.community.whenFull === "waitlist" ? "approvals join the waitlist" : "new requests are declined"})`
      : "";
  return `**Seats:** ${used}/${capacity}${full}`;
}

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
  const { request, community } = state;
  const description = [
    `**Applicant:** <@${request.applicant.userId}> · ${escapeLine(request.applicant.name)}`,
    ...statusLines(request, state.waitlistPosition),
    seatsLine(state),
    `**Submitted:** ${timestampTag(request.createdAt)}`,
  ].join("\n");

  const { evaluation } = request;
  const scoreLines = evaluation.breakdown.items.map(
    (item) => `• ${escapeLine(item.label)}: ${item.points}/${item.max} (${escapeLine(item.detail)})`,
  );
  const ruleLines =
    evaluation.rules.length === 0
      ? ["No rules configured."]
      : evaluation.rules.map(
          (r) => `${r.passed ? "✅" : "❌"} ${escapeLine(r.label)}: ${escapeLine(r.detail)}`,
        );

  const summary = new EmbedBuilder()
    .setTitle(truncate(`Join request · ${escapeLine(community.name)}`, LIMITS.title))
    .setColor(COLORS[request.status])
    .setDescription(truncate(description, LIMITS.description))
    .addFields(
      {
        name: `Profile strength: ${evaluation.score}/100`,
        value: truncate(scoreLines.join("\n") || "—", LIMITS.fieldValue),
      },
      {
        name: evaluation.passed ? "Rules: all passed" : "Rules: some failed",
        value: truncate(ruleLines.join("\n"), LIMITS.fieldValue),
      },
    )
    .setFooter({ text: `Request ${request.id} · ${community.id}` })
    .setTimestamp(new Date(request.createdAt));
  const issues = request.issues ?? [];
  if (issues.length > 0) {
    summary.addFields({
      name: "⚠️ Needs attention",
      value: truncate(issues.map((i) => `• ${escapeText(i)}`).join("\n"), LIMITS.fieldValue),
    });
  }
  const summaryJson = summary.toJSON();

  // Answers and note: everything that is left of the 6000-character budget, shared fairly.
  // Cut before escaping too: a field shows at most 1024 characters, and escaping long text costs time.
  const fieldText = (value: string) => escapeText(truncate(value, LIMITS.fieldValue));
  const entries = [
    ...request.answers.map((a) => ({
      name: truncate(escapeLine(a.label), LIMITS.fieldName),
      value: a.value ? fieldText(a.value) : "*(no answer)*",
    })),
    ...(request.note ? [{ name: "Personal note", value: fieldText(request.note) }] : []),
  ];
  const fixed = embedLength(summaryJson) + "Answers".length + entries.reduce((n, e) => n + e.name.length, 0);
  const shares = allocate(
    entries.map((e) => e.value.length),
    LIMITS.embedTotal - SAFETY - fixed,
    LIMITS.fieldValue,
  );
  const embeds: APIEmbed[] = [summaryJson];
  if (entries.length > 0) {
    embeds.push(
      new EmbedBuilder()
        .setTitle("Answers")
        .setColor(COLORS[request.status])
        .addFields(
          entries.map((e, i) => ({ name: e.name, value: truncate(e.value, Math.max(2, shares[i] ?? 2)) })),
        )
        .toJSON(),
    );
  }

  const components =
    request.status === "pending"
      ? [
          new ActionRowBuilder<ButtonBuilder>()
            .addComponents(
              new ButtonBuilder()
                .setCustomId(customIds.approve(request.id))
                .setLabel("Approve")
                .setStyle(ButtonStyle.Success),
              new ButtonBuilder()
                .setCustomId(customIds.deny(request.id))
                .setLabel("Deny")
                .setStyle(ButtonStyle.Danger),
            )
            .toJSON(),
        ]
      : [];

  return { embeds, components, allowed_mentions: NO_MENTIONS };
}

/** The DM telling the applicant what happened (with the reason, when declined). */
export function renderNotice(state: EffectState, kind: NoticeKind): RESTPostAPIChannelMessageJSONBody {
  const text = escapeText(Messages.notice(state.community, kind, state.waitlistPosition));
  const reason = kind === "denied" ? state.request.decision?.reason : undefined;
  const content = reason ? `${text}\n**Reason:** ${escapeText(reason)}` : text;
  return { content: truncate(content, LIMITS.content), allowed_mentions: NO_MENTIONS };
}

/** A notice from the core to the review channel (a stuck delivery): plain text, escaped whole. */
export function renderAlert(text: string): RESTPostAPIChannelMessageJSONBody {
  return { content: truncate(`⚠️ ${escapeText(text)}`, LIMITS.content), allowed_mentions: NO_MENTIONS };
}

/** The reminder posted in the review channel as a reply to the card. */
export function renderReminder(state: EffectState): RESTPostAPIChannelMessageJSONBody {
  const { request, community } = state;
  const content =
    `⏰ Reminder: ${escapeLine(request.applicant.name)}'s request to join ${escapeLine(community.name)} ` +
    `has been waiting for review since ${timestampTag(request.createdAt, "R")}. Approve or deny it on the card.`;
  return {
    content: truncate(content, LIMITS.content),
    allowed_mentions: { parse: [], replied_user: false },
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
