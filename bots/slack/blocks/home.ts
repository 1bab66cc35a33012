import type { types } from "@slack/bolt";
import * as Messages from "../../../core/messages.js";
import { QUEUE_FILTERS, type QueueItem } from "../../../core/queue.js";
import { WINDOWS } from "../../../core/stats.js";
import type { Text } from "../../../core/text.js";
import type { CommunityPanel, HomeView } from "../../../core/views.js";
import { truncate } from "../escape.js";
import { ACTION, HOME_ACTION, homeValue } from "../ids.js";
import { toMrkdwn } from "../render.js";

/**
 * The App Home in Block Kit: a pure layout of the core's home view (core/views.ts). Per community
 * the user moderates: the queue page (oldest first) with Approve / Deny / Open card on each
 * request, the filters, the pages, "approve all that pass every rule", and the figures of the
 * chosen window. Then the user's own requests. Approve and Deny are the card's own buttons
 * (same action ids, same listeners, same use case).
 */

type Block = types.KnownBlock;

/** Slack's limits for a view. */
const MAX_BLOCKS = 100;
const SECTION_MAX = 3000;
const HEADER_MAX = 150;
const CONFIRM_TEXT_MAX = 300;

export interface HomeLinks {
  /** The workspace's web URL (`https://team.slack.com/`), for links to the cards; absent: no links. */
  teamUrl: string | undefined;
}

/** The message permalink of a card, built from its channel and ts. */
export function cardLink(teamUrl: string, card: { channel: string; id: string }): string {
  return `${teamUrl.replace(/\/+$/, "")}/archives/${card.channel}/p${card.id.replace(".", "")}`;
}

export function renderHome(view: HomeView, links: HomeLinks): types.HomeView {
  const blocks: Block[] = [header(Messages.HOME_TITLE)];
  if (view.notice) blocks.push(section(toMrkdwn(view.notice)));
  for (const panel of view.panels) blocks.push(...panelBlocks(panel, links));
  if (view.panels.length === 0 || view.own.length > 0) blocks.push(...ownBlocks(view));
  if (blocks.length > MAX_BLOCKS) {
    blocks.length = MAX_BLOCKS - 1;
    blocks.push(context("More than fits here: use the filters and pages."));
  }
  return { type: "home", blocks };
}

function panelBlocks(panel: CommunityPanel, links: HomeLinks): Block[] {
  const { community, queue, insights } = panel;
  const blocks: Block[] = [
    { type: "divider" },
    header(Messages.queueTitle(community)),
    context(toMrkdwn(Messages.queueSummary(queue))),
  ];
  const controls: types.ActionsBlockElement[] = QUEUE_FILTERS.map((f) =>
    button(
      `${HOME_ACTION.filter}${f}`,
      `${Messages.FILTER_LABEL[f]} (${queue.counts[f]})`,
      homeValue(community.id, f),
      f === queue.filter ? "primary" : undefined,
    ),
  );
  if (queue.counts.passing > 0) {
    const c = Messages.approvePassingConfirm(community, queue.counts.passing);
    controls.push({
      ...button(
        HOME_ACTION.bulk,
        Messages.QUEUE_BUTTONS.approvePassing,
        homeValue(community.id, "passing"),
        "primary",
      ),
      confirm: {
        title: plain(truncate(c.title, 100)),
        text: plain(truncate(c.text, CONFIRM_TEXT_MAX)),
        confirm: plain(c.confirm),
        deny: plain(c.deny),
      },
    });
  }
  blocks.push({ type: "actions", block_id: `f:${community.id}`, elements: controls });
  if (queue.items.length === 0) blocks.push(section(toMrkdwn(Messages.queueEmpty(queue.filter))));
  for (const item of queue.items) blocks.push(...itemBlocks(item, links));
  if (queue.items.length > 0) blocks.push(selectionBlock(panel));
  if (queue.pages > 1) {
    const pages: types.ActionsBlockElement[] = [];
    if (queue.page > 1)
      pages.push(
        button(
          `${HOME_ACTION.page}prev`,
          Messages.QUEUE_BUTTONS.previous,
          homeValue(community.id, queue.page - 1),
        ),
      );
    if (queue.page < queue.pages)
      pages.push(
        button(
          `${HOME_ACTION.page}next`,
          Messages.QUEUE_BUTTONS.next,
          homeValue(community.id, queue.page + 1),
        ),
      );
    blocks.push({ type: "actions", block_id: `p:${community.id}`, elements: pages });
  }
  blocks.push(section(truncate(toMrkdwn(Messages.insights(community, insights)), SECTION_MAX)), {
    type: "actions",
    block_id: `w:${community.id}`,
    elements: WINDOWS.map((d) =>
      button(
        `${HOME_ACTION.window}${d}`,
        Messages.QUEUE_BUTTONS.window(d),
        homeValue(community.id, d),
        d === insights.days ? "primary" : undefined,
      ),
    ),
  });
  return blocks;
}

/**
 * The page's requests in one multi-select, and "Approve selected" / "Deny selected" once some are
 * picked (Slack buttons cannot be greyed out): a page cleared in three clicks.
 */
function selectionBlock(panel: CommunityPanel): Block {
  const { community, queue, selected } = panel;
  const option = (item: QueueItem): types.PlainTextOption => {
    const o = Messages.queueOption(item);
    return {
      text: plain(truncate(o.label, 75)),
      description: plain(truncate(o.description, 75)),
      value: item.requestId,
    };
  };
  const chosen = queue.items.filter((i) => selected.includes(i.requestId)).map(option);
  const elements: types.ActionsBlockElement[] = [
    {
      type: "multi_static_select",
      action_id: `${HOME_ACTION.select}${community.id}`,
      placeholder: plain(Messages.QUEUE_BUTTONS.select),
      options: queue.items.map(option),
      ...(chosen.length > 0 ? { initial_options: chosen } : {}),
    },
  ];
  if (chosen.length > 0) {
    elements.push(
      button(
        `${HOME_ACTION.selected}approve`,
        `${Messages.QUEUE_BUTTONS.approveSelected} (${chosen.length})`,
        homeValue(community.id, "approve"),
        "primary",
      ),
      button(
        `${HOME_ACTION.selected}deny`,
        `${Messages.QUEUE_BUTTONS.denySelected} (${chosen.length})`,
        homeValue(community.id, "deny"),
        "danger",
      ),
    );
  }
  return { type: "actions", block_id: `s:${community.id}`, elements };
}

function itemBlocks(item: QueueItem, links: HomeLinks): Block[] {
  const tools = Messages.queueItemTools(item);
  const text: Text = [
    Messages.queueItemHeadline(item),
    Messages.queueItemRules(item),
    ...(tools ? [tools] : []),
  ];
  const elements: types.ActionsBlockElement[] = [
    button(ACTION.approve, Messages.QUEUE_BUTTONS.approve, item.requestId, "primary"),
    button(ACTION.deny, Messages.QUEUE_BUTTONS.deny, item.requestId, "danger"),
  ];
  if (item.card && links.teamUrl) {
    elements.push({
      type: "button",
      action_id: HOME_ACTION.open,
      text: plain(Messages.QUEUE_BUTTONS.open),
      url: cardLink(links.teamUrl, item.card),
      value: item.requestId,
    });
  }
  return [
    {
      type: "section",
      block_id: `q:${item.requestId}`,
      text: { type: "mrkdwn", text: truncate(toMrkdwn(text), SECTION_MAX) },
    },
    { type: "actions", block_id: `a:${item.requestId}`, elements },
  ];
}

function ownBlocks(view: HomeView): Block[] {
  return [
    { type: "divider" },
    section(truncate(toMrkdwn(Messages.ownRequests(view.own, view.platform)), SECTION_MAX)),
  ];
}

function header(text: string): Block {
  return { type: "header", text: plain(truncate(text, HEADER_MAX)) };
}

function section(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: text || " " } };
}

function context(text: string): Block {
  return { type: "context", elements: [{ type: "mrkdwn", text: text || " " }] };
}

function plain(text: string): types.PlainTextElement {
  return { type: "plain_text", text, emoji: false };
}

function button(actionId: string, label: string, value: string, style?: "primary" | "danger"): types.Button {
  return {
    type: "button",
    action_id: actionId,
    text: plain(truncate(label, 75)),
    value,
    ...(style ? { style } : {}),
  };
}

/** The home as text, for the README and tests: what a person reads, block by block. */
export function homeAsText(view: types.HomeView): string {
  const out: string[] = [];
  for (const b of view.blocks as Block[]) {
    if (b.type === "header") out.push(`# ${b.text.text}`);
    else if (b.type === "section") out.push(b.text?.text ?? "");
    else if (b.type === "context") out.push(b.elements.map((e) => ("text" in e ? e.text : "")).join(" "));
    else if (b.type === "divider") out.push("---");
    else if (b.type === "actions")
      out.push(
        b.elements
          .map((e) => {
            if (e.type === "button") return `[${e.text.text}${e.style === "primary" ? "*" : ""}]`;
            if (e.type === "multi_static_select") {
              const chosen = (e.initial_options ?? []).map((o) => o.text.text);
              return `[${e.placeholder?.text ?? ""} ▾${chosen.length > 0 ? `: ${chosen.join(", ")}` : ""}]`;
            }
            return "";
          })
          .join(" "),
      );
  }
  return out.join("\n");
}
