import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import * as Capacity from "../../../../core/capacity.js";
import * as Communities from "../../../../core/communities.js";
import * as Messages from "../../../../core/messages.js";
import * as Requests from "../../../../core/requests.js";
import { answerModal, messageModal } from "../../blocks/modals.js";
import { applyMetadataSchema, BLOCK, readMetadata } from "../../ids.js";
import { handleOf, inputText, teamOf, viewSubmissionSchema } from "../../payloads.js";
import { lookupProfile } from "../../profile.js";
import { type ListenerDeps, since } from "../deps.js";

/**
 * The application form comes back. In order: validate (errors go back to the fields, nothing is
 * recorded), read the profile (short, may be unavailable), record the request (idempotent on
 * the view id, so a retried submission finds the first recording), and only then tell the
 * applicant what happened by replacing the form.
 */
export function applySubmit(deps: ListenerDeps): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  const { core, log, profiles } = deps;
  return async ({ ack, body }) => {
    const started = Date.now();
    const parsed = viewSubmissionSchema.safeParse(body);
    if (!parsed.success) {
      log.warn("slack form submission not understood", { issues: parsed.error.issues.length });
      await ack({
        response_action: "update",
        view: messageModal("Gatekeeper", "Sorry, I couldn't read that form."),
      });
      return;
    }
    const { view, user } = parsed.data;
    const metadata = readMetadata(view.private_metadata, applyMetadataSchema);
    const community = metadata ? Communities.find(core, metadata.c) : undefined;
    const team = view.team_id ?? teamOf(parsed.data);
    if (community?.platform !== "slack" || community.workspace !== team) {
      log.warn("slack form for an unknown community or another workspace", {
        metadata: view.private_metadata,
        team,
      });
      await ack({
        response_action: "update",
        view: messageModal(
          "Gatekeeper",
          "This form is out of date: that community is not set up here any more.",
        ),
      });
      return;
    }

    const answers = Object.fromEntries(
      community.questions.map((q) => [q.id, inputText(view.state.values, BLOCK.question(q.id))]),
    );
    const note = inputText(view.state.values, BLOCK.note);
    const check = Requests.validateAnswers(community, answers, note);
    if (check.errors.length > 0) {
      await ack({ response_action: "errors", errors: fieldErrors(check.errors) });
      log.info("slack form rejected", {
        community: community.id,
        user: user.id,
        fields: check.errors.length,
        ms: since(started),
      });
      return;
    }

    const profile = await lookupProfile(profiles, user.id, handleOf(user), log);
    const outcome = await Requests.submit(core, {
      community,
      submissionKey: view.id,
      applicant: { userId: user.id, name: profile.name },
      answers,
      note,
      profile,
    });
    switch (outcome.kind) {
      case "invalid":
        await ack({ response_action: "errors", errors: fieldErrors(outcome.errors) });
        break;
      case "refused":
        await ack({
          response_action: "update",
          view: answerModal(community, Messages.refusal(community, outcome.refusal)),
        });
        break;
      case "recorded": {
        const position = await Capacity.waitlistPosition(core, outcome.request);
        await ack({
          response_action: "update",
          view: answerModal(community, Messages.received(community, outcome.request, position)),
        });
        break;
      }
    }
    log.info("slack form submitted", {
      community: community.id,
      user: user.id,
      outcome: outcome.kind,
      ...(outcome.kind === "recorded"
        ? { requestId: outcome.request.id, replay: outcome.replay, status: outcome.request.status }
        : {}),
      profile: profile.available,
      ms: since(started),
    });
  };
}

/** The core's field errors keyed by the block id of the input that failed (`note` is reserved for the note). */
export function fieldErrors(errors: Requests.FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) out[e.field === "note" ? BLOCK.note : BLOCK.question(e.field)] ??= e.message;
  return out;
}
