import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from "discord-api-types/v10";
import * as Messages from "../../core/messages.js";
import { QUEUE_FILTERS, type QueuePage } from "../../core/queue.js";
import type { Insights } from "../../core/stats.js";
import type { Text } from "../../core/text.js";
import { customIds } from "./custom-ids.js";
import { truncate } from "./escape.js";
import { toMarkdown } from "./render.js";

/**
 * The Discord queue message (`/apply-queue`): a pure layout of one page of the core's queue. An
 * embed lists the requests (oldest first); a select picks up to a page of them; buttons approve or
 * deny the selection, approve all that pass every rule, switch filters and pages.
 */

const DESCRIPTION_MAX = 4096;
const ITEM_MAX = 190;
const LABEL_MAX = 100;
const COLOR = 0x5865f2;

export interface QueueMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

export function renderQueueMessage(
  community: { id: string; name: string },
  page: QueuePage,
  opts: { notice?: Text | undefined; selection?: { id: string; requestIds: readonly string[] } } = {},
): QueueMessage {
  const start = (page.page - 1) * 20;
  const lines = page.items.map((item, i) => {
    const tools = Messages.queueItemTools(item);
    return truncate(
      `**${start + i + 1}.** ${toMarkdown([Messages.queueItemHeadline(item)])}\n${toMarkdown([Messages.queueItemRules(item)])}${tools ? `\n${toMarkdown([tools])}` : ""}`,
      ITEM_MAX * 2,
    );
  });
  const description = truncate(
    [
      toMarkdown(Messages.queueSummary(page)),
      "",
      ...(lines.length > 0 ? lines : [toMarkdown(Messages.queueEmpty(page.filter))]),
    ].join("\n"),
    DESCRIPTION_MAX,
  );
  const selected = new Set(opts.selection?.requestIds ?? []);
  const selectionId = opts.selection && selected.size > 0 ? opts.selection.id : "0";
  const rows: QueueMessage["components"] = [];
  if (page.items.length > 0) {
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: customIds.queueSelect(community.id, page.filter, page.page),
          placeholder: Messages.QUEUE_BUTTONS.select,
          min_values: 1,
          max_values: page.items.length,
          options: page.items.map((item) => {
            const o = Messages.queueOption(item);
            return {
              label: truncate(o.label, LABEL_MAX),
              description: truncate(o.description, LABEL_MAX),
              value: item.requestId,
              default: selected.has(item.requestId),
            };
          }),
        },
      ],
    });
  }
  rows.push({
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Success,
        label: `${Messages.QUEUE_BUTTONS.approveSelected}${selected.size > 0 ? ` (${selected.size})` : ""}`,
        custom_id: customIds.queueApprove(selectionId),
        disabled: selected.size === 0,
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Danger,
        label: `${Messages.QUEUE_BUTTONS.denySelected}${selected.size > 0 ? ` (${selected.size})` : ""}`,
        custom_id: customIds.queueDeny(selectionId),
        disabled: selected.size === 0,
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Primary,
        label: `${Messages.QUEUE_BUTTONS.approvePassing} (${page.counts.passing})`,
        custom_id: customIds.queuePassing(community.id, page.filter),
        disabled: page.counts.passing === 0,
      },
    ],
  });
  rows.push({
    type: ComponentType.ActionRow,
    components: QUEUE_FILTERS.map((f) => ({
      type: ComponentType.Button,
      style: f === page.filter ? ButtonStyle.Primary : ButtonStyle.Secondary,
      label: `${Messages.FILTER_LABEL[f]} (${page.counts[f]})`,
      custom_id: customIds.queueView(community.id, f, 1),
    })),
  });
  if (page.pages > 1) {
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          label: Messages.QUEUE_BUTTONS.previous,
          custom_id: customIds.queueNav(community.id, page.filter, Math.max(1, page.page - 1)),
          disabled: page.page <= 1,
        },
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          label: Messages.QUEUE_BUTTONS.next,
          custom_id: customIds.queueNav(community.id, page.filter, Math.min(page.pages, page.page + 1)),
          disabled: page.page >= page.pages,
        },
      ],
    });
  }
  return {
    content: opts.notice ? toMarkdown(opts.notice) : "",
    embeds: [{ title: truncate(Messages.queueTitle(community), 256), description, color: COLOR }],
    components: rows,
  };
}

/** `/apply-stats`: one embed per community. */
export function renderInsights(list: { community: { name: string }; insights: Insights }[]): APIEmbed[] {
  return list.slice(0, 10).map(({ community, insights }) => ({
    description: toMarkdown(Messages.insights(community, insights), DESCRIPTION_MAX),
    color: COLOR,
  }));
}
