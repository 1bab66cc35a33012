import type { APIInteractionResponse } from "discord-api-types/v10";
import * as Messages from "../../../core/messages.js";
import type { Text } from "../../../core/text.js";
import type { QueueOutcome } from "../../../core/usecases/queue.js";
import { ephemeral, updateMessage } from "../interaction.js";
import { renderQueueMessage } from "../queue.js";
import { say, sayInPlace } from "./reply.js";

/**
 * A queue use case's outcome as an answer: the queue message (new and ephemeral for the command,
 * in place for its buttons and select), or why not.
 */
export function queueAnswer(
  outcome: QueueOutcome,
  how: "new" | "in-place",
  opts: { notice?: Text; selection?: { id: string; requestIds: readonly string[] } } = {},
): APIInteractionResponse {
  const refuse = (text: Text) => (how === "new" ? say(text) : sayInPlace(text));
  switch (outcome.kind) {
    case "queue": {
      const m = renderQueueMessage(outcome.community, outcome.page, opts);
      const extra = { embeds: m.embeds, components: m.components };
      return how === "new" ? ephemeral(m.content, extra) : updateMessage(m.content, extra);
    }
    case "forbidden":
      return refuse(Messages.NOT_A_MODERATOR_HERE);
    case "choose":
      return refuse(Messages.chooseQueue(outcome.communities));
    case "unknown":
      return refuse(Messages.unknownCommunity(outcome.id, outcome.communities));
  }
}
