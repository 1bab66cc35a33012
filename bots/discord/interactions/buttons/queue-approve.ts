import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import type { QueueFilter } from "../../../../core/queue.js";
import * as Selections from "../../../../core/selections.js";
import { requestBulk } from "../../../../core/usecases/bulk.js";
import type { ComponentInteraction } from "../../interaction.js";
import { bulkAnswer } from "../bulk-reply.js";
import { originOf, sayInPlace } from "../reply.js";

/**
 * "Approve selected" (the stored selection) and "Approve all that pass every rule": recorded as
 * one bulk decision, keyed by this interaction (a retried delivery records nothing new), run by the
 * worker request by request exactly as single clicks, then reported in this message.
 */
export async function queueApproveButton(
  core: Core,
  i: ComponentInteraction,
  id: { selectionId: string } | { communityId: string; filter: QueueFilter },
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return sayInPlace(Messages.NOT_A_MODERATOR_HERE);
  const reply = { kind: "interaction" as const, applicationId: i.application_id, token: i.token };
  if ("communityId" in id) {
    return bulkAnswer(
      await requestBulk(core, origin, {
        communityId: id.communityId,
        action: { kind: "approve-passing" },
        key: `discord:${i.id}`,
        reply,
        filter: id.filter,
      }),
    );
  }
  const selection = await Selections.load(core, id.selectionId, origin);
  if (!selection) return sayInPlace(Messages.SELECTION_GONE);
  return bulkAnswer(
    await requestBulk(core, origin, {
      communityId: selection.communityId,
      action: { kind: "approve", requestIds: selection.requestIds },
      key: `discord:${i.id}`,
      reply,
      filter: selection.filter,
    }),
  );
}
