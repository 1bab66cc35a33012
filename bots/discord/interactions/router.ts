import { type APIInteractionResponse, InteractionResponseType, InteractionType } from "discord-api-types/v10";
import type { Core } from "../../../core/context.js";
import { type Deadline, deadlineFrom } from "../../../core/deadline.js";
import * as Messages from "../../../core/messages.js";
import type { Text } from "../../../core/text.js";
import { COMMANDS } from "../commands.js";
import { parseCustomId } from "../custom-ids.js";
import { type Interaction, pong, type UserInteraction } from "../interaction.js";
import { autocomplete } from "./autocomplete.js";
import { answerButton } from "./buttons/answer.js";
import { approveButton } from "./buttons/approve.js";
import { askButton } from "./buttons/ask.js";
import { claimButton } from "./buttons/claim.js";
import { continueButton } from "./buttons/continue.js";
import { denyButton } from "./buttons/deny.js";
import { queueApproveButton } from "./buttons/queue-approve.js";
import { queueDenyButton } from "./buttons/queue-deny.js";
import { queueViewButton } from "./buttons/queue-view.js";
import { unclaimButton } from "./buttons/unclaim.js";
import { applyCommand } from "./commands/apply.js";
import { queueCommand } from "./commands/queue.js";
import { statsCommand } from "./commands/stats.js";
import { statusCommand } from "./commands/status.js";
import { withdrawCommand } from "./commands/withdraw.js";
import { denyReason } from "./modals/deny-reason.js";
import { formPage } from "./modals/form-page.js";
import { questionModal } from "./modals/question.js";
import { queueDenyReason } from "./modals/queue-deny-reason.js";
import { repliedModal } from "./modals/replied.js";
import { say } from "./reply.js";
import { queueSelect } from "./selects/queue-select.js";

/**
 * Every interaction to its handler, by command name or custom-id kind (like `bots/slack/app.ts`).
 * Each answer is a modal (9), an ephemeral message (4), an update (7) of the applicant's own
 * message, a deferred update (6) whose visible change the outbox worker makes, or autocomplete
 * choices (8). Nothing here calls Discord: slow work is recorded and done after the answer.
 * `deadline` is the answer budget's (answer.ts defers an answer that misses it); a handler whose
 * answer is a modal bounds its own reads by it, since a modal cannot follow a deferral.
 */
export async function handleInteraction(
  core: Core,
  i: Interaction,
  deadline: Deadline = deadlineFrom(undefined),
): Promise<APIInteractionResponse> {
  switch (i.type) {
    case InteractionType.Ping:
      return pong;
    case InteractionType.ApplicationCommand:
      switch (i.data.name) {
        case COMMANDS.apply:
          return applyCommand(core, i, deadline);
        case COMMANDS.status:
          return statusCommand(core, i);
        case COMMANDS.withdraw:
          return withdrawCommand(core, i);
        case COMMANDS.queue:
          return queueCommand(core, i);
        case COMMANDS.stats:
          return statsCommand(core, i);
        default:
          return say(Messages.unknownCommand(i.data.name));
      }
    case InteractionType.ApplicationCommandAutocomplete:
      return autocomplete(core, i);
    case InteractionType.MessageComponent: {
      const id = parseCustomId(i.data.custom_id);
      switch (id?.kind) {
        case "next":
          return continueButton(core, i, id);
        case "approve":
          return approveButton(core, i, id.requestId);
        case "deny":
          return denyButton(core, i, id.requestId);
        case "ask":
          return askButton(core, i, id.requestId);
        case "claim":
          return claimButton(core, i, id.requestId);
        case "unclaim":
          return unclaimButton(core, i, id.requestId);
        case "answer":
          return answerButton(core, i, id);
        case "queue-view":
          return queueViewButton(core, i, id);
        case "queue-select":
          return queueSelect(core, i, id);
        case "queue-approve":
        case "queue-passing":
          return queueApproveButton(core, i, id);
        case "queue-deny":
          return queueDenyButton(core, i, id.selectionId);
        default:
          return say(Messages.STALE_BUTTON);
      }
    }
    case InteractionType.ModalSubmit: {
      const id = parseCustomId(i.data.custom_id);
      switch (id?.kind) {
        case "form":
          return formPage(core, i, id);
        case "reason":
          return denyReason(core, i, id.requestId);
        case "question":
          return questionModal(core, i, id.requestId);
        case "replied":
          return repliedModal(core, i, id);
        case "queue-reason":
          return queueDenyReason(core, i, id.selectionId);
        default:
          return say(Messages.FORM_GONE);
      }
    }
  }
}

/** The answer when handling failed unexpectedly (logged by the caller). */
export function failureAnswer(i: Interaction | undefined): APIInteractionResponse {
  if (i?.type === InteractionType.ApplicationCommandAutocomplete) {
    return { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } };
  }
  return say(Messages.FAILED);
}

/** What a person is told when the form their interaction would open came too late to open. */
export function formDidNotOpen(i: UserInteraction): Text {
  if (i.type !== InteractionType.MessageComponent) return Messages.FORM_DID_NOT_OPEN;
  const kind = parseCustomId(i.data.custom_id)?.kind;
  return kind === "deny" || kind === "queue-deny"
    ? Messages.REASON_FORM_DID_NOT_OPEN
    : Messages.FORM_DID_NOT_OPEN;
}
