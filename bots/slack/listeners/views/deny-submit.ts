import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import * as Communities from "../../../../core/communities.js";
import { REASON_MAX } from "../../../../core/limits.js";
import * as Messages from "../../../../core/messages.js";
import { decide } from "../../../../core/usecases/decide.js";
import type { Origin } from "../../../../core/usecases/origin.js";
import { decisionReply } from "../../../../core/usecases/replies.js";
import { messageModal } from "../../blocks/modals.js";
import { afterAnswer, deadlineOf, REPLY_RESERVE_MS, raceDeadline, within } from "../../deadline.js";
import { BLOCK, BLOCK_VALUE, denyMetadataSchema, readMetadata } from "../../ids.js";
import { checkedValues, handleOf, inputText, teamOf, viewSubmissionSchema } from "../../payloads.js";
import { toMrkdwn, toPlain } from "../../render.js";
import { type ListenerDeps, since } from "../deps.js";

const TITLE = Messages.DENY_FORM.title;

/**
 * The deny-reason modal comes back: the decide use case records the denial with the reason (which
 * reaches the applicant through the outbox) and the modal closes. If someone decided first, or the
 * submitter may not decide, the modal says so instead; nothing changes.
 *
 * The answer never waits past the budget for the store: a denial still being recorded then is
 * finished after the modal closed, and its reply, if any, goes ephemerally to the moderator in the
 * community's review channel.
 */
export function denySubmit(deps: ListenerDeps): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  const { core, log } = deps;
  return async ({ ack, body, client, context }) => {
    const started = Date.now();
    const deadline = deadlineOf(context);
    const parsed = viewSubmissionSchema.safeParse(body);
    const metadata = parsed.success
      ? readMetadata(parsed.data.view.private_metadata, denyMetadataSchema)
      : undefined;
    const workspace = parsed.success ? (parsed.data.view.team_id ?? teamOf(parsed.data)) : undefined;
    if (!parsed.success || !metadata || !workspace) {
      log.warn("slack deny-reason submission not understood");
      await ack({ response_action: "update", view: messageModal(TITLE, toPlain(Messages.COULD_NOT_READ)) });
      return;
    }
    const { view, user } = parsed.data;
    const reason = inputText(view.state.values, BLOCK.reason)?.trim();
    if (reason && [...reason].length > REASON_MAX) {
      await ack({ response_action: "errors", errors: { [BLOCK.reason]: Messages.DENY_FORM.tooLong } });
      return;
    }
    const origin: Origin = { platform: "slack", workspace, userId: user.id, name: handleOf(user) };
    const block = checkedValues(view.state.values, BLOCK.block).includes(BLOCK_VALUE);
    const raced = await raceDeadline(
      deadline,
      decide(core, origin, { requestId: metadata.r, outcome: "deny", reason, block }),
      REPLY_RESERVE_MS,
    );
    if (!raced.done) {
      await ack();
      log.info("slack deny answered; the decision finishes after the answer", {
        requestId: metadata.r,
        ms: since(started),
      });
      raced.later.then(
        async (outcome) => {
          const reply = decisionReply(outcome);
          const channel =
            outcome.kind === "already" || outcome.kind === "decided"
              ? Communities.find(core, outcome.request.communityId)?.reviewChannel
              : undefined;
          if (reply && channel) {
            await within(
              afterAnswer(),
              client.chat.postEphemeral({ channel, user: user.id, text: toMrkdwn(reply) }),
            ).catch((error: unknown) => log.warn("slack chat.postEphemeral failed", { channel, error }));
          }
          log.info("slack deny submitted", {
            requestId: metadata.r,
            moderator: user.id,
            outcome: outcome.kind,
            ms: since(started),
            late: true,
          });
        },
        (error: unknown) => log.error("slack deny failed after the answer", { requestId: metadata.r, error }),
      );
      return;
    }
    const outcome = raced.value;
    const reply = decisionReply(outcome);
    if (reply) await ack({ response_action: "update", view: messageModal(TITLE, toPlain(reply)) });
    else await ack();
    log.info("slack deny submitted", {
      requestId: metadata.r,
      moderator: user.id,
      outcome: outcome.kind,
      block,
      ms: since(started),
    });
  };
}
