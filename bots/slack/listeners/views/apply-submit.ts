import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { Community } from "../../../../core/config/schema.js";
import * as Messages from "../../../../core/messages.js";
import { type FieldError, validateAnswers } from "../../../../core/policy.js";
import type { Origin } from "../../../../core/usecases/origin.js";
import { formCommunity, type SubmitOutcome, submit } from "../../../../core/usecases/submit.js";
import { answerModal, type ModalView, messageModal } from "../../blocks/modals.js";
import { afterAnswer, deadlineOf, raceDeadline, within } from "../../deadline.js";
import { applyMetadataSchema, BLOCK, readMetadata } from "../../ids.js";
import { handleOf, inputText, teamOf, viewSubmissionSchema } from "../../payloads.js";
import { lookupProfile } from "../../profile.js";
import { toPlain } from "../../render.js";
import { type ListenerDeps, since } from "../deps.js";

/**
 * The application form comes back. In order: validate (errors go back to the fields, nothing is
 * recorded), read the profile (short, may be unavailable), record the request through the submit
 * use case (idempotent on the view id), and only then tell the applicant by replacing the form.
 */
export function applySubmit(deps: ListenerDeps): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  const { core, log, profiles } = deps;
  return async ({ ack, body, client, context }) => {
    const started = Date.now();
    const deadline = deadlineOf(context);
    const parsed = viewSubmissionSchema.safeParse(body);
    if (!parsed.success) {
      log.warn("slack form submission not understood", { issues: parsed.error.issues.length });
      await ack({
        response_action: "update",
        view: messageModal("Gatekeeper", toPlain(Messages.COULD_NOT_READ)),
      });
      return;
    }
    const { view, user } = parsed.data;
    const metadata = readMetadata(view.private_metadata, applyMetadataSchema);
    const workspace = view.team_id ?? teamOf(parsed.data);
    const origin: Origin = { platform: "slack", workspace: workspace ?? "", userId: user.id };
    const community = metadata && workspace ? formCommunity(core, origin, metadata.c) : undefined;
    if (!community) {
      log.warn("slack form for an unknown community or another workspace", { team: workspace });
      await ack({ response_action: "update", view: messageModal("Gatekeeper", toPlain(Messages.FORM_GONE)) });
      return;
    }

    const answers = Object.fromEntries(
      community.questions.map((q) => [q.id, inputText(view.state.values, BLOCK.question(q.id))]),
    );
    const note = inputText(view.state.values, BLOCK.note);
    // Field errors go back before the profile lookup: nothing to look up for a form that must be fixed.
    const check = validateAnswers(community, answers, note);
    if (check.errors.length > 0) {
      await ack({ response_action: "errors", errors: fieldErrors(check.errors) });
      log.info("slack form rejected", {
        community: community.id,
        fields: check.errors.length,
        ms: since(started),
      });
      return;
    }

    // The profile is looked up while the submission's reads run (it never rejects: an
    // unavailable profile is one the rules cannot check).
    const profile = lookupProfile(profiles, user.id, handleOf(user), log, deadline);
    const logSubmitted = async (outcome: SubmitOutcome, late: boolean): Promise<void> => {
      log.info("slack form submitted", {
        community: community.id,
        outcome: outcome.kind,
        ...(outcome.kind === "recorded"
          ? { requestId: outcome.request.id, replay: outcome.replay, status: outcome.request.status }
          : {}),
        profile: (await profile).available,
        ms: since(started),
        ...(late ? { late } : {}),
      });
    };

    const raced = await raceDeadline(
      deadline,
      submit(core, origin, { communityId: community.id, submissionKey: view.id, answers, note, profile }),
    );
    if (!raced.done) {
      // Recording outlasts the budget (a burst queueing on the table): the form says it is being
      // saved, never "received" before it is; once recorded, the same form shows the outcome.
      await ack({ response_action: "update", view: answerModal(community, toPlain(Messages.SAVING)) });
      log.info("slack form answered; the recording finishes after the answer", {
        community: community.id,
        ms: since(started),
      });
      raced.later.then(
        async (outcome) => {
          try {
            await within(
              afterAnswer(),
              client.views.update({ view_id: view.id, view: outcomeView(community, outcome) }),
            );
          } catch (error) {
            log.warn("slack views.update (form outcome) failed", { community: community.id, error });
          }
          await logSubmitted(outcome, true);
        },
        (error: unknown) =>
          log.error("slack form submission failed after the answer", { community: community.id, error }),
      );
      return;
    }
    const outcome = raced.value;
    if (outcome.kind === "invalid")
      await ack({ response_action: "errors", errors: fieldErrors(outcome.errors) });
    else await ack({ response_action: "update", view: outcomeView(community, outcome) });
    await logSubmitted(outcome, false);
  };
}

/**
 * The form as it shows a submission's outcome. Field errors go back onto the fields when the
 * answer is still open; a late one (the form has already been answered) is shown as text.
 */
function outcomeView(community: Community, outcome: SubmitOutcome): ModalView {
  switch (outcome.kind) {
    case "gone":
      return messageModal("Gatekeeper", toPlain(Messages.FORM_GONE));
    case "invalid":
      return answerModal(community, outcome.errors.map((e) => e.message).join("\n"));
    case "refused":
      return answerModal(community, toPlain(Messages.refusal(community, outcome.refusal)));
    case "recorded":
      return answerModal(
        community,
        toPlain(Messages.received(community, outcome.request, outcome.waitlistPosition)),
      );
  }
}

/** The core's field errors keyed by the block id of the input that failed (`note` is reserved for the note). */
export function fieldErrors(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) out[e.field === "note" ? BLOCK.note : BLOCK.question(e.field)] ??= e.message;
  return out;
}
