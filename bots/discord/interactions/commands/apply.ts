import { type APIInteractionResponse, InteractionResponseType } from "discord-api-types/v10";
import type { Core } from "../../../../core/context.js";
import { type Deadline, deadlineFrom } from "../../../../core/deadline.js";
import * as Messages from "../../../../core/messages.js";
import { apply } from "../../../../core/usecases/apply.js";
import { COMMUNITY_OPTION } from "../../commands.js";
import { buildFormModal } from "../../form.js";
import { type CommandInteraction, stringOption } from "../../interaction.js";
import { originOf, say } from "../reply.js";

/** What the answer keeps, out of the budget, after the precheck: building the modal and sending it. */
const MODAL_RESERVE_MS = 300;

/**
 * `/apply [community]`: the form (a modal, page 1), or why not. A modal cannot follow a deferral,
 * so the precheck gets what the budget leaves: a precheck that is late opens the form, and the
 * submission checks the same things again atomically (as on Slack).
 */
export async function applyCommand(
  core: Core,
  i: CommandInteraction,
  deadline: Deadline = deadlineFrom(undefined),
): Promise<APIInteractionResponse> {
  const origin = originOf(i);
  if (!origin) return say(Messages.SERVER_ONLY);
  const outcome = await apply(core, origin, stringOption(i.data, COMMUNITY_OPTION), {
    precheckWithinMs: deadline.remaining() - MODAL_RESERVE_MS,
  });
  switch (outcome.kind) {
    case "form":
      // The form's id is this interaction's id: one form, one request.
      return { type: InteractionResponseType.Modal, data: buildFormModal(outcome.community, i.id, 1) };
    case "refused":
      return say(Messages.refusal(outcome.community, outcome.refusal));
    case "choose":
      return say(Messages.chooseCommunity(outcome.communities, "discord"));
    case "unknown":
      return say(Messages.unknownCommunity(outcome.id, outcome.communities));
    case "none":
      return say(Messages.NO_COMMUNITIES);
  }
}
