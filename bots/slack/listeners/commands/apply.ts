import type { Middleware, SlackCommandMiddlewareArgs } from "@slack/bolt";
import * as Communities from "../../../../core/communities.js";
import type { Community } from "../../../../core/config/schema.js";
import * as Messages from "../../../../core/messages.js";
import type { Text } from "../../../../core/text.js";
import { apply } from "../../../../core/usecases/apply.js";
import type { Origin } from "../../../../core/usecases/origin.js";
import { status } from "../../../../core/usecases/status.js";
import { withdraw } from "../../../../core/usecases/withdraw.js";
import { applyModal } from "../../blocks/modals.js";
import { type Deadline, deadlineOf, within } from "../../deadline.js";
import { slackErrorCode } from "../../errors.js";
import { commandSchema } from "../../payloads.js";
import { toMrkdwn } from "../../render.js";
import type { WebClient } from "../../web-client.js";
import { type ListenerDeps, since } from "../deps.js";

/**
 * `/apply`, `/apply <community>`, `/apply status`, `/apply withdraw [community]`, `/apply help`:
 * parse, call the use case, answer ephemerally (or open the form).
 */
export function applyCommand(deps: ListenerDeps): Middleware<SlackCommandMiddlewareArgs> {
  const { core, log } = deps;
  return async ({ command, ack, client, context }) => {
    const started = Date.now();
    const parsed = commandSchema.safeParse(command);
    if (!parsed.success) {
      log.warn("slack /apply payload not understood", { issues: parsed.error.issues.length });
      await ack({ response_type: "ephemeral", text: toMrkdwn(Messages.COULD_NOT_READ) });
      return;
    }
    const cmd = parsed.data;
    const reply = (text: Text) => ack({ response_type: "ephemeral", text: toMrkdwn(text) });
    const origin: Origin = { platform: "slack", workspace: cmd.team_id, userId: cmd.user_id };
    const [first, second] = cmd.text.trim().split(/\s+/).filter(Boolean);

    switch (first?.toLowerCase()) {
      case "help":
        await reply(Messages.help(Communities.inWorkspace(core, "slack", cmd.team_id), "slack"));
        break;
      case "status":
        await reply(Messages.status(await status(core, origin), "slack"));
        break;
      case "withdraw": {
        const outcome = await withdraw(core, origin, second);
        switch (outcome.kind) {
          case "withdrawn":
            await reply(Messages.withdrawn(outcome.community));
            break;
          case "nothing":
            await reply(Messages.nothingToWithdraw(outcome.community));
            break;
          case "none-open":
            await reply(Messages.NOTHING_OPEN);
            break;
          case "choose":
            await reply(Messages.chooseWithdrawal(outcome.communities, "slack"));
            break;
          case "unknown":
            await reply(Messages.unknownCommunity(outcome.id, outcome.communities));
            break;
        }
        break;
      }
      default: {
        // The form must open within the trigger's life: the precheck gets what views.open leaves.
        const deadline = deadlineOf(context);
        const outcome = await apply(core, origin, first, {
          precheckWithinMs: deadline.remaining() - VIEWS_OPEN_RESERVE_MS,
        });
        switch (outcome.kind) {
          case "form":
            await openForm(
              deps,
              client,
              cmd.trigger_id,
              outcome.community,
              context.retryNum,
              reply,
              ack,
              deadline,
            );
            break;
          case "refused":
            await reply(Messages.refusal(outcome.community, outcome.refusal));
            break;
          case "choose":
            await reply(Messages.chooseCommunity(outcome.communities, "slack"));
            break;
          case "unknown":
            await reply(Messages.unknownCommunity(outcome.id, outcome.communities));
            break;
          case "none":
            await reply(Messages.NO_COMMUNITIES);
            break;
        }
      }
    }
    log.info("slack /apply handled", {
      sub: first?.toLowerCase() ?? "",
      user: cmd.user_id,
      ms: since(started),
    });
  };
}

/** What `/apply` keeps of its budget for `views.open` after the precheck. */
export const VIEWS_OPEN_RESERVE_MS = 1_000;

async function openForm(
  deps: ListenerDeps,
  client: WebClient,
  triggerId: string,
  community: Community,
  retryNum: number | string | undefined,
  reply: (text: Text) => Promise<void>,
  ack: () => Promise<void>,
  deadline: Deadline,
): Promise<void> {
  const { log } = deps;
  try {
    await within(deadline, client.views.open({ trigger_id: triggerId, view: applyModal(community) }));
    await ack();
  } catch (error) {
    const code = slackErrorCode(error);
    // A retried command whose first delivery already opened the form: its trigger is spent.
    if (retryNum !== undefined && (code === "trigger_exchanged" || code === "expired_trigger_id")) {
      log.info("slack /apply retry: form already opened", { retryNum: String(retryNum) });
      await ack();
      return;
    }
    log.warn("slack views.open failed", { code, error });
    await reply(Messages.FORM_DID_NOT_OPEN);
  }
}
