import { type APIInteractionResponse, InteractionType } from "discord-api-types/v10";
import type { Core } from "../../core/context.js";
import { METRIC } from "../../core/deployment.js";
import { withLogContext } from "../../core/log.js";
import { type Interaction, interactionSchema } from "./interaction.js";
import { failureAnswer, handleInteraction } from "./interactions/router.js";

/**
 * One Discord interaction in, its answer out, whichever way it came: the HTTP endpoint (after the
 * signature check, functions/discord.ts) or the Gateway (`INTERACTION_CREATE`, gateway.ts). The
 * payload is validated with zod; `undefined` means it is not an interaction the bot understands
 * (the endpoint answers 400, the Gateway ignores it). A handler that throws is logged and counted,
 * and the person gets a polite "something went wrong" instead.
 */
export async function answerInteraction(
  core: Core,
  raw: unknown,
): Promise<APIInteractionResponse | undefined> {
  const started = performance.now();
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
    let answer: APIInteractionResponse;
    try {
      answer = await handleInteraction(core, interaction);
    } catch (error) {
      core.log.error("discord interaction failed", { error });
      core.metrics?.count(METRIC.handlerErrors);
      answer = failureAnswer(interaction);
    }
    const ms = performance.now() - started;
    core.metrics?.answerTime(ms);
    core.log.info("discord interaction answered", { answerType: answer.type, ms: Math.round(ms) });
    return answer;
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
