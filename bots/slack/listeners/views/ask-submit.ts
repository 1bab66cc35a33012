import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import * as Messages from "../../../../core/messages.js";
import { ask } from "../../../../core/usecases/interview.js";
import type { Origin } from "../../../../core/usecases/origin.js";
import { askReply } from "../../../../core/usecases/replies.js";
import { messageModal } from "../../blocks/modals.js";
import { askMetadataSchema, BLOCK, readMetadata } from "../../ids.js";
import { handleOf, inputText, teamOf, viewSubmissionSchema } from "../../payloads.js";
import { toPlain } from "../../render.js";
import { type ListenerDeps, since } from "../deps.js";

const TITLE = Messages.ASK_FORM.title;

/**
 * The question modal comes back: the ask use case records it (the DM to the applicant, the thread
 * post and the card update are outbox work) and the modal closes. A question that cannot be asked
 * (empty, too long, one still open, decided meanwhile, not a moderator) is said in the modal.
 */
export function askSubmit(deps: ListenerDeps): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  const { core, log } = deps;
  return async ({ ack, body }) => {
    const started = Date.now();
    const parsed = viewSubmissionSchema.safeParse(body);
    const metadata = parsed.success
      ? readMetadata(parsed.data.view.private_metadata, askMetadataSchema)
      : undefined;
    const workspace = parsed.success ? (parsed.data.view.team_id ?? teamOf(parsed.data)) : undefined;
    if (!parsed.success || !metadata || !workspace) {
      log.warn("slack question submission not understood");
      await ack({ response_action: "update", view: messageModal(TITLE, toPlain(Messages.COULD_NOT_READ)) });
      return;
    }
    const { view, user } = parsed.data;
    const origin: Origin = { platform: "slack", workspace, userId: user.id, name: handleOf(user) };
    const question = inputText(view.state.values, BLOCK.ask);
    const outcome = await ask(core, origin, { requestId: metadata.r, question });
    const reply = askReply(outcome);
    if (outcome.kind === "invalid" && reply) {
      await ack({ response_action: "errors", errors: { [BLOCK.ask]: toPlain(reply) } });
    } else if (reply) {
      await ack({ response_action: "update", view: messageModal(TITLE, toPlain(reply)) });
    } else await ack();
    log.info("slack question submitted", {
      requestId: metadata.r,
      moderator: user.id,
      outcome: outcome.kind,
      ms: since(started),
    });
  };
}
