import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import * as Communities from "../../../../core/communities.js";
import * as Messages from "../../../../core/messages.js";
import * as Requests from "../../../../core/requests.js";
import { alreadyPlainText } from "../../blocks/messages.js";
import { messageModal } from "../../blocks/modals.js";
import { BLOCK, denyMetadataSchema, readMetadata } from "../../ids.js";
import { handleOf, inputText, teamOf, viewSubmissionSchema } from "../../payloads.js";
import { type ListenerDeps, since } from "../deps.js";

const REASON_MAX = 1000;
const TITLE = "Deny request";

/**
 * The deny-reason modal comes back: the decision is recorded with the reason (which reaches the
 * applicant through the outbox), and the modal closes. If someone decided first, the modal says
 * so instead; nothing changes.
 */
export function denySubmit(deps: ListenerDeps): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  const { core, log } = deps;
  return async ({ ack, body }) => {
    const started = Date.now();
    const parsed = viewSubmissionSchema.safeParse(body);
    const metadata = parsed.success
      ? readMetadata(parsed.data.view.private_metadata, denyMetadataSchema)
      : undefined;
    if (!parsed.success || !metadata) {
      log.warn("slack deny-reason submission not understood");
      await ack({
        response_action: "update",
        view: messageModal(TITLE, "Sorry, I couldn't read that form."),
      });
      return;
    }
    const { view, user } = parsed.data;
    const reason = inputText(view.state.values, BLOCK.reason)?.trim();
    if (reason && [...reason].length > REASON_MAX) {
      await ack({
        response_action: "errors",
        errors: { [BLOCK.reason]: `Please keep the reason under ${REASON_MAX} characters.` },
      });
      return;
    }
    const request = await Requests.get(core, metadata.r);
    const community = request ? Communities.find(core, request.communityId) : undefined;
    if (
      !request ||
      !community ||
      request.platform !== "slack" ||
      request.workspace !== (view.team_id ?? teamOf(parsed.data))
    ) {
      await ack({ response_action: "update", view: messageModal(TITLE, "This request no longer exists.") });
      return;
    }
    const outcome = await Requests.decide(core, {
      requestId: request.id,
      moderator: { kind: "user", id: user.id, name: handleOf(user) },
      outcome: "deny",
      reason,
    });
    switch (outcome.kind) {
      case "decided":
        await ack();
        break;
      case "already":
        await ack({
          response_action: "update",
          view: messageModal(TITLE, alreadyPlainText(outcome.request)),
        });
        break;
      case "forbidden":
        await ack({ response_action: "update", view: messageModal(TITLE, Messages.NOT_A_MODERATOR) });
        break;
      case "full":
      case "not-found":
        await ack({ response_action: "update", view: messageModal(TITLE, "This request no longer exists.") });
        break;
    }
    log.info("slack deny submitted", {
      requestId: request.id,
      moderator: user.id,
      outcome: outcome.kind,
      ms: since(started),
    });
  };
}
