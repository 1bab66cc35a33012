import type { Middleware, SlackCommandMiddlewareArgs } from "@slack/bolt";
import * as Communities from "../../../../core/communities.js";
import type { Community } from "../../../../core/config/schema.js";
import * as Messages from "../../../../core/messages.js";
import * as Requests from "../../../../core/requests.js";
import { chooseText, helpText, say, statusText } from "../../blocks/messages.js";
import { applyModal } from "../../blocks/modals.js";
import type { WebClient } from "../../client.js";
import { slackErrorCode } from "../../errors.js";
import { type CommandPayload, commandSchema } from "../../payloads.js";
import { type ListenerDeps, since } from "../deps.js";

/**
 * `/apply`, `/apply <community>`, `/apply status`, `/apply withdraw <community>`, `/apply help`.
 * Answers ephemerally, or opens the form. Refusals (pending, cooldown, blocked, member, full)
 * are answered before any form opens. Nothing is recorded here except a withdrawal.
 */
export function applyCommand(deps: ListenerDeps): Middleware<SlackCommandMiddlewareArgs> {
  const { core, log } = deps;
  return async ({ command, ack, client, context }) => {
    const started = Date.now();
    const parsed = commandSchema.safeParse(command);
    if (!parsed.success) {
      log.warn("slack /apply payload not understood", { issues: parsed.error.issues.length });
      await ack({ response_type: "ephemeral", text: "Sorry, I couldn't read that command." });
      return;
    }
    const cmd = parsed.data;
    const reply = (text: string) => ack({ response_type: "ephemeral", text });
    const [first, second] = cmd.text.trim().split(/\s+/).filter(Boolean);
    const here = Communities.inWorkspace(core, "slack", cmd.team_id);

    switch (first?.toLowerCase()) {
      case "help":
        await reply(helpText(here));
        break;
      case "status": {
        const items = await Requests.listForApplicant(core, "slack", cmd.team_id, cmd.user_id);
        await reply(statusText(items, (id) => Communities.find(core, id)));
        break;
      }
      case "withdraw":
        await reply(await withdraw(deps, cmd, second));
        break;
      default: {
        const resolution = Communities.resolve(core, "slack", cmd.team_id, first);
        if (resolution.kind === "found") {
          await openForm(deps, client, cmd, resolution.community, context.retryNum, reply, ack);
        } else if (resolution.kind === "choose") {
          await reply(chooseText(resolution.communities));
        } else if (resolution.kind === "unknown") {
          await reply(say(Messages.unknownCommunity(resolution.id, resolution.communities)));
        } else {
          await reply(say(Messages.NO_COMMUNITIES));
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

async function openForm(
  deps: ListenerDeps,
  client: WebClient,
  cmd: CommandPayload,
  community: Community,
  retryNum: number | string | undefined,
  reply: (text: string) => Promise<void>,
  ack: () => Promise<void>,
): Promise<void> {
  const { log } = deps;
  const refusal = await refusalOf(deps, community, cmd.user_id);
  if (refusal) {
    await reply(say(Messages.refusal(community, refusal)));
    return;
  }
  try {
    await client.views.open({ trigger_id: cmd.trigger_id, view: applyModal(community) });
    await ack();
  } catch (error) {
    const code = slackErrorCode(error);
    // A retried command whose first delivery already opened the form: its trigger is spent.
    if (retryNum !== undefined && (code === "trigger_exchanged" || code === "expired_trigger_id")) {
      log.info("slack /apply retry: form already opened", { user: cmd.user_id, retryNum: String(retryNum) });
      await ack();
      return;
    }
    log.warn("slack views.open failed", { user: cmd.user_id, code, error });
    await reply("Sorry, Slack didn't let me open the form just now. Please run `/apply` again.");
  }
}

/** Why this user may not apply now, telling "waitlisted" apart from "pending" for a clearer answer. */
async function refusalOf(
  deps: ListenerDeps,
  community: Community,
  userId: string,
): Promise<Requests.Refusal | undefined> {
  const refusal = await Requests.precheck(deps.core, community, userId);
  if (refusal?.reason !== "pending") return refusal;
  const active = await Requests.get(deps.core, refusal.requestId);
  return active?.status === "waitlisted" ? { reason: "waitlisted", requestId: refusal.requestId } : refusal;
}

async function withdraw(deps: ListenerDeps, cmd: CommandPayload, id: string | undefined): Promise<string> {
  const { core } = deps;
  const resolution = Communities.resolve(core, "slack", cmd.team_id, id);
  switch (resolution.kind) {
    case "none":
      return say(Messages.NO_COMMUNITIES);
    case "unknown":
      return say(Messages.unknownCommunity(resolution.id, resolution.communities));
    case "choose":
      return `Which request should I withdraw? Type \`/apply withdraw <community>\` with one of: ${resolution.communities
        .map((c) => `\`${c.id}\``)
        .join(", ")}.`;
    case "found": {
      const outcome = await Requests.withdraw(core, resolution.community, cmd.user_id);
      return say(
        outcome.kind === "withdrawn"
          ? Messages.withdrawn(resolution.community)
          : Messages.nothingToWithdraw(resolution.community),
      );
    }
  }
}
