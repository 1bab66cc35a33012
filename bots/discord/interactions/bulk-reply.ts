import type { APIInteractionResponse } from "discord-api-types/v10";
import * as Messages from "../../../core/messages.js";
import type { RequestBulkOutcome } from "../../../core/usecases/bulk.js";
import { sayInPlace } from "./reply.js";

/**
 * A recorded bulk decision's answer: the queue message says it is being decided; the worker edits
 * it with the report and the queue once done (core/tasks.ts, effects.ts `reportBulk`).
 */
export function bulkAnswer(outcome: RequestBulkOutcome): APIInteractionResponse {
  switch (outcome.kind) {
    case "started":
      return sayInPlace(Messages.bulkStarted(outcome.count));
    case "nothing":
      return sayInPlace(Messages.BULK_NOTHING);
    case "forbidden":
      return sayInPlace(Messages.NOT_A_MODERATOR_HERE);
    case "unknown":
      return sayInPlace(Messages.unknownCommunity(outcome.id, []));
  }
}
