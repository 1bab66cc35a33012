import type { APIInteractionResponse } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import * as Messages from "../../../../core/messages.js";
import * as Selections from "../../../../core/selections.js";
import { requestBulk } from "../../../../core/usecases/bulk.js";
import { inputIds } from "../../custom-ids.js";
import { textValues } from "../../form.js";
import type { ModalInteraction } from "../../interaction.js";
import { bulkAnswer } from "../bulk-reply.js";
import { originOf, sayInPlace } from "../reply.js";

/** The reason of "Deny selected" comes back: one bulk denial, run by the worker, reported in the queue message. */
export async function queueDenyReason(
  core: Core,
  i: ModalInteraction,
  selectionId: string,
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return sayInPlace(Messages.NOT_A_MODERATOR_HERE);
  const selection = await Selections.load(core, selectionId, origin);
  if (!selection) return sayInPlace(Messages.SELECTION_GONE);
  const reason = textValues(i.data.components).get(inputIds.reason)?.trim() || undefined;
  return bulkAnswer(
    await requestBulk(core, origin, {
      communityId: selection.communityId,
      action: { kind: "deny", requestIds: selection.requestIds, reason },
      key: `discord:${i.id}`,
      reply: { kind: "interaction", applicationId: i.application_id, token: i.token },
      filter: selection.filter,
    }),
  );
}
