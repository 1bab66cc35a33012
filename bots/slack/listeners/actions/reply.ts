import type { BlockAction as BoltBlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";
import * as Messages from "../../../../core/messages.js";
import { replyForm } from "../../../../core/usecases/interview.js";
import { replyReply } from "../../../../core/usecases/replies.js";
import { messageModal, replyModal } from "../../blocks/modals.js";
import { deadlineOf, within } from "../../deadline.js";
import { slackErrorCode } from "../../errors.js";
import { parseReplyButton } from "../../ids.js";
import { blockActionSchema, teamOf } from "../../payloads.js";
import { toPlain } from "../../render.js";
import { type ListenerDeps, since } from "../deps.js";

/**
 * The Reply button under a moderator's question, in the applicant's DM: opens the reply modal
 * while the question waits for this applicant's reply; otherwise a modal says why not (decided
 * meanwhile, already replied, time ran out). Only the applicant the question was for gets the form.
 */
export function replyAction(deps: ListenerDeps): Middleware<SlackActionMiddlewareArgs<BoltBlockAction>> {
  const { core, log } = deps;
  return async ({ ack, body, client, context }) => {
    const started = Date.now();
    const deadline = deadlineOf(context);
    await ack();
    const parsed = blockActionSchema.safeParse(body);
    const button = parsed.success ? parseReplyButton(parsed.data.actions[0]?.value) : undefined;
    if (!parsed.success || !button) {
      log.warn("slack reply click not understood");
      return;
    }
    const click = parsed.data;
    const outcome = await replyForm(
      core,
      { platform: "slack", userId: click.user.id, workspace: teamOf(click) },
      button,
    );
    const view =
      outcome.kind === "form"
        ? replyModal(outcome.request, outcome.round)
        : messageModal(Messages.REPLY_FORM.title, toPlain(replyReply(outcome, "slack")));
    try {
      await within(deadline, client.views.open({ trigger_id: click.trigger_id, view }));
    } catch (error) {
      log.warn("slack views.open (reply) failed", { code: slackErrorCode(error), error });
    }
    log.info("slack reply clicked", {
      requestId: button.requestId,
      outcome: outcome.kind,
      ms: since(started),
    });
  };
}
