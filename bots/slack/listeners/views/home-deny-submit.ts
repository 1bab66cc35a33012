import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import * as Homes from "../../../../core/homes.js";
import { REASON_MAX } from "../../../../core/limits.js";
import * as Messages from "../../../../core/messages.js";
import { requestBulk } from "../../../../core/usecases/bulk.js";
import type { Origin } from "../../../../core/usecases/origin.js";
import { home } from "../../../../core/usecases/queue.js";
import { messageModal } from "../../blocks/modals.js";
import { slackErrorCode } from "../../errors.js";
import { publishHome } from "../../home.js";
import { BLOCK, homeDenyMetadataSchema, readMetadata } from "../../ids.js";
import { handleOf, inputText, teamOf, viewSubmissionSchema } from "../../payloads.js";
import { toPlain } from "../../render.js";
import { type ListenerDeps, since } from "../deps.js";

const TITLE = Messages.BULK_DENY_FORM.title;

/**
 * The reason of "Deny selected" comes back: the moderator's selection becomes one bulk denial
 * (the bulk use case, run by the worker, each request exactly as a single Deny with this reason, or
 * its own failed rules when left empty); the modal closes and the home shows "Deciding…", then the
 * report. The view's id keys the task: a retried submission records one.
 */
export function homeDenySubmit(deps: ListenerDeps): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  const { core, log } = deps;
  return async ({ ack, body, client }) => {
    const started = Date.now();
    const parsed = viewSubmissionSchema.safeParse(body);
    const metadata = parsed.success
      ? readMetadata(parsed.data.view.private_metadata, homeDenyMetadataSchema)
      : undefined;
    const workspace = parsed.success ? (parsed.data.view.team_id ?? teamOf(parsed.data)) : undefined;
    if (!parsed.success || !metadata || !workspace) {
      log.warn("slack deny-selected submission not understood");
      await ack({ response_action: "update", view: messageModal(TITLE, toPlain(Messages.COULD_NOT_READ)) });
      return;
    }
    const { view, user } = parsed.data;
    const reason = inputText(view.state.values, BLOCK.reason)?.trim() || undefined;
    if (reason && [...reason].length > REASON_MAX) {
      await ack({ response_action: "errors", errors: { [BLOCK.reason]: Messages.DENY_FORM.tooLong } });
      return;
    }
    const origin: Origin = { platform: "slack", workspace, userId: user.id, name: handleOf(user) };
    const { selected } = Homes.panelOf(await Homes.get(core, origin), metadata.c);
    if (selected.length === 0) {
      await ack({ response_action: "update", view: messageModal(TITLE, toPlain(Messages.SELECTION_GONE)) });
      return;
    }
    const outcome = await requestBulk(core, origin, {
      communityId: metadata.c,
      action: { kind: "deny", requestIds: selected, reason },
      key: `home-deny:${view.id}`,
      reply: { kind: "home", platform: "slack", workspace, userId: user.id },
    });
    if (outcome.kind === "forbidden") {
      await ack({ response_action: "update", view: messageModal(TITLE, toPlain(Messages.NOT_A_MODERATOR)) });
      return;
    }
    await ack();
    await Homes.setPanel(core, origin, metadata.c, { selected: [] });
    try {
      await publishHome(client, await home(core, origin), log);
    } catch (error) {
      log.warn("slack home not published", { user: user.id, code: slackErrorCode(error), error });
    }
    log.info("slack deny selected submitted", {
      community: metadata.c,
      moderator: user.id,
      outcome: outcome.kind,
      ms: since(started),
    });
  };
}
