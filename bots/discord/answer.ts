import { type APIInteractionResponse, InteractionType } from "discord-api-types/v10";
import type { Core } from "../../core/context.js";
import { deadlineFrom, raceDeadline } from "../../core/deadline.js";
import { METRIC } from "../../core/deployment.js";
import { withLogContext } from "../../core/log.js";
import { deferralFor, lateDelivery, type SendLate } from "./deferral.js";
import { type Interaction, interactionSchema } from "./interaction.js";
import { failureAnswer, formDidNotOpen, handleInteraction } from "./interactions/router.js";

export interface AnswerOptions {
  /** When the interaction arrived (`Date.now()`): the answer budget runs from it. Default: now. */
  receivedAt?: number;
  /** How a late answer is delivered through the interaction's webhook (deferral.ts `lateSender`). */
  sendLate: SendLate;
}

/**
 * One Discord interaction in, its answer out, whichever way it came: the HTTP endpoint (after the
 * signature check, functions/discord.ts) or the Gateway (`INTERACTION_CREATE`, gateway.ts). The
 * payload is validated with zod; `undefined` means it is not an interaction the bot understands
 * (the endpoint answers 400, the Gateway ignores it). A handler that throws is logged and counted,
 * and the person gets a polite "something went wrong" instead.
 *
 * Every answer goes within the budget (core/deadline.ts, 2.5 s from receipt; Discord waits 3 s): a
 * handler still working then (a table queueing under a burst) is answered with a deferral
 * (deferral.ts) and finishes after it; what it answers is then delivered through the interaction's
 * webhook. Its work is unchanged: a decision is still one conditional transaction.
 */
export async function answerInteraction(
  core: Core,
  raw: unknown,
  opts: AnswerOptions,
): Promise<APIInteractionResponse | undefined> {
  const started = performance.now();
  const deadline = deadlineFrom(opts.receivedAt);
  const parsed = interactionSchema.safeParse(raw);
  if (!parsed.success) {
    core.log.warn("discord interaction not understood", {
      platform: "discord",
      issues: parsed.error.issues.slice(0, 3).map((i) => ({ path: i.path, code: i.code })),
    });
    return undefined;
  }
  const interaction = parsed.data;
  return withLogContext({ platform: "discord", interaction: interactionKind(interaction) }, async () => {
    const answered = (answer: APIInteractionResponse, how: "answered" | "deferred") => {
      const ms = performance.now() - started;
      core.metrics?.answerTime(ms);
      core.log.info(`discord interaction ${how}`, { answerType: answer.type, ms: Math.round(ms) });
      return answer;
    };
    const work = (async (): Promise<APIInteractionResponse> => {
      try {
        return await handleInteraction(core, interaction, deadline);
      } catch (error) {
        core.log.error("discord interaction failed", { error });
        core.metrics?.count(METRIC.handlerErrors);
        return failureAnswer(interaction);
      }
    })();
    // A ping is answered at once, and autocomplete choices cannot be deferred.
    if (
      interaction.type === InteractionType.Ping ||
      interaction.type === InteractionType.ApplicationCommandAutocomplete
    ) {
      return answered(await work, "answered");
    }
    const raced = await raceDeadline(deadline, work);
    if (raced.done) return answered(raced.value, "answered");

    const deferral = deferralFor(interaction);
    raced.later
      .then(async (late) => {
        const delivery = lateDelivery(deferral, late, formDidNotOpen(interaction));
        if (delivery) await opts.sendLate(interaction, delivery);
        core.log.info("discord late answer delivered", {
          answerType: late.type,
          delivery: delivery?.kind ?? "none",
          ms: Math.round(performance.now() - started),
        });
      })
      .catch((error: unknown) => core.log.error("discord late answer failed", { error }));
    return answered(deferral, "deferred");
  });
}

/** `ping`, `command`, `autocomplete`, `component`, `modal_submit`: the same field Slack's lines carry. */
export function interactionKind(i: Interaction): string {
  switch (i.type) {
    case InteractionType.Ping:
      return "ping";
    case InteractionType.ApplicationCommand:
      return "command";
    case InteractionType.ApplicationCommandAutocomplete:
      return "autocomplete";
    case InteractionType.MessageComponent:
      return "component";
    case InteractionType.ModalSubmit:
      return "modal_submit";
  }
}
