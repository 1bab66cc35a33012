import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import type { QueueFilter } from "../../../../core/queue.js";
import * as Selections from "../../../../core/selections.js";
import { queuePage } from "../../../../core/usecases/queue.js";
import type { ComponentInteraction } from "../../interaction.js";
import { queueAnswer } from "../queue-reply.js";
import { originOf, sayInPlace } from "../reply.js";

/**
 * Requests picked in the queue's select: the selection is stored (core/selections.ts, bound to
 * this moderator, an hour) under this interaction's id, and the message shows it with "Approve
 * selected" and "Deny selected" live. Only ids of this page's requests are kept.
 */
export async function queueSelect(
  core: Core,
  i: ComponentInteraction,
  id: { communityId: string; filter: QueueFilter; page: number },
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return sayInPlace(Messages.NOT_A_MODERATOR_HERE);
  const outcome = await queuePage(core, origin, id);
  if (outcome.kind !== "queue") return queueAnswer(outcome, "in-place");
  const onPage = new Set(outcome.page.items.map((item) => item.requestId));
  const requestIds = (i.data.values ?? []).filter((v) => onPage.has(v));
  await Selections.save(core, {
    selectionId: i.id,
    platform: origin.platform,
    workspace: origin.workspace,
    userId: origin.userId,
    communityId: outcome.community.id,
    requestIds,
    filter: outcome.page.filter,
    page: outcome.page.page,
  });
  return queueAnswer(outcome, "in-place", {
    notice: Messages.selected(requestIds.length),
    selection: { id: i.id, requestIds },
  });
}
