import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import * as Messages from "../../../../core/messages.js";
import { reply } from "../../../../core/usecases/interview.js";
import { replyReply } from "../../../../core/usecases/replies.js";
import { messageModal } from "../../blocks/modals.js";
import { BLOCK, readMetadata, replyMetadataSchema } from "../../ids.js";
import { inputText, teamOf, viewSubmissionSchema } from "../../payloads.js";
import { toPlain } from "../../render.js";
import { type ListenerDeps, since } from "../deps.js";

const TITLE = Messages.REPLY_FORM.title;

/**
 * The applicant's reply comes back: recorded once by the reply use case (threaded under the card
 * by the outbox) and the modal thanks them; a reply that cannot be taken (the request was decided
 * meanwhile, already replied, the time ran out) is refused politely in the modal.
 */
export function replySubmit(deps: ListenerDeps): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  const { core, log } = deps;
  return async ({ ack, body }) => {
    const started = Date.now();
    const parsed = viewSubmissionSchema.safeParse(body);
    const metadata = parsed.success
      ? readMetadata(parsed.data.view.private_metadata, replyMetadataSchema)
      : undefined;
    if (!parsed.success || !metadata) {
      log.warn("slack reply submission not understood");
      await ack({ response_action: "update", view: messageModal(TITLE, toPlain(Messages.COULD_NOT_READ)) });
      return;
    }
    const { view, user } = parsed.data;
    const outcome = await reply(
      core,
      { platform: "slack", userId: user.id, workspace: view.team_id ?? teamOf(parsed.data) },
      { requestId: metadata.r, round: metadata.n, text: inputText(view.state.values, BLOCK.reply) },
    );
    const words = toPlain(replyReply(outcome, "slack"));
    if (outcome.kind === "invalid")
      await ack({ response_action: "errors", errors: { [BLOCK.reply]: words } });
    else await ack({ response_action: "update", view: messageModal(TITLE, words) });
    log.info("slack reply submitted", { requestId: metadata.r, outcome: outcome.kind, ms: since(started) });
  };
}
