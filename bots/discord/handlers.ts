import {
  ActionRowBuilder,
  ButtonBuilder,
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
} from "@discordjs/builders";
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIInteractionResponse,
  ButtonStyle,
  InteractionResponseType,
  InteractionType,
  TextInputStyle,
} from "discord-api-types/v10";
import * as Capacity from "../../core/capacity.js";
import * as Communities from "../../core/communities.js";
import type { Community } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import * as Messages from "../../core/messages.js";
import { type JoinRequest, OPEN_STATUSES } from "../../core/model.js";
import * as Requests from "../../core/requests.js";
import { failureSummary } from "../../core/rules.js";
import { COMMANDS, COMMUNITY_OPTION } from "./commands.js";
import { customIds, inputIds, parseCustomId } from "./custom-ids.js";
import { loadDraft, saveDraft } from "./drafts.js";
import { escapeLine, escapeText, timestampTag, truncate } from "./escape.js";
import { buildFormModal, pageCount, pageOf, readPage, textValues } from "./form.js";
import {
  type AutocompleteInteraction,
  actorOf,
  type CommandInteraction,
  type ComponentInteraction,
  deferredUpdate,
  displayName,
  ephemeral,
  focusedOption,
  type Interaction,
  type ModalInteraction,
  pong,
  stringOption,
  type UserInteraction,
  updateMessage,
} from "./interaction.js";
import { profileFromInteraction } from "./profile.js";

/**
 * What each interaction gets back. Every answer is one of: a modal (type 9), an immediate
 * message (type 4, ephemeral), a message update (type 7) of the applicant's own ephemeral
 * message, a deferred update (type 6) whose visible change (the card) the outbox worker makes, or
 * autocomplete choices (type 8). Nothing here calls Discord: slow work is recorded and done after.
 */
const CONTENT_MAX = 2000;
const REASON_MAX = 1000;

const text = {
  guildOnly: "Use this command in the server whose community you want to join.",
  formGone: "This form is no longer available. Run /apply to start again.",
  formExpired: "This form expired (answers are kept for an hour). Run /apply to start again.",
  staleButton: "This button is no longer valid.",
  requestGone: "This request no longer exists.",
  failed: "Something went wrong on our side. Please try again in a moment.",
};

export async function handleInteraction(core: Core, i: Interaction): Promise<APIInteractionResponse> {
  switch (i.type) {
    case InteractionType.Ping:
      return pong;
    case InteractionType.ApplicationCommand:
      return onCommand(core, i);
    case InteractionType.ApplicationCommandAutocomplete:
      return onAutocomplete(core, i);
    case InteractionType.MessageComponent:
      return onComponent(core, i);
    case InteractionType.ModalSubmit:
      return onModal(core, i);
  }
}

/** The answer when handling failed unexpectedly (logged by the caller). */
export function failureAnswer(i: Interaction | undefined): APIInteractionResponse {
  if (i?.type === InteractionType.ApplicationCommandAutocomplete) {
    return { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } };
  }
  return ephemeral(text.failed);
}

// Commands

async function onCommand(core: Core, i: CommandInteraction): Promise<APIInteractionResponse> {
  const guild = i.guild_id;
  if (!guild || !i.member) return ephemeral(text.guildOnly);
  switch (i.data.name) {
    case COMMANDS.apply:
      return apply(core, i, guild, stringOption(i.data, COMMUNITY_OPTION));
    case COMMANDS.status:
      return status(core, i, guild);
    case COMMANDS.withdraw:
      return withdraw(core, i, guild, stringOption(i.data, COMMUNITY_OPTION));
    default:
      return ephemeral(`Unknown command /${escapeLine(i.data.name)}.`);
  }
}

function communityList(communities: Community[], intro: string): string {
  const lines = communities.map(
    (c) =>
      `• **${escapeLine(c.name)}** (\`${c.id}\`)${c.description ? `: ${escapeLine(c.description)}` : ""}`,
  );
  return truncate([intro, ...lines].join("\n"), CONTENT_MAX);
}

async function apply(
  core: Core,
  i: CommandInteraction,
  guild: string,
  id: string | undefined,
): Promise<APIInteractionResponse> {
  const r = Communities.resolve(core, "discord", guild, id);
  switch (r.kind) {
    case "none":
      return ephemeral(Messages.NO_COMMUNITIES);
    case "unknown":
      return ephemeral(truncate(escapeText(Messages.unknownCommunity(r.id, r.communities)), CONTENT_MAX));
    case "choose":
      return ephemeral(
        communityList(r.communities, "Which community would you like to join? Run `/apply community:<id>`:"),
      );
    case "found": {
      const refusal = await Requests.precheck(core, r.community, actorOf(i).id);
      if (refusal) return ephemeral(escapeText(Messages.refusal(r.community, refusal)));
      return { type: InteractionResponseType.Modal, data: buildFormModal(r.community, i.id, 1) };
    }
  }
}

async function status(core: Core, i: CommandInteraction, guild: string): Promise<APIInteractionResponse> {
  const list = await Requests.listForApplicant(core, "discord", guild, actorOf(i).id);
  if (list.length === 0)
    return ephemeral("You have no join requests in this server yet. Run /apply to ask to join.");
  const lines = list.map(({ request, waitlistPosition }) => {
    const name = Communities.find(core, request.communityId)?.name ?? request.communityId;
    const position = waitlistPosition ? ` (position ${waitlistPosition})` : "";
    const reason =
      request.status === "denied" && request.decision?.reason
        ? `. Reason: ${escapeText(truncate(request.decision.reason, 300))}`
        : "";
    return `• **${escapeLine(name)}**: ${Messages.STATUS_LABEL[request.status]}${position}, since ${timestampTag(request.updatedAt, "R")}${reason}`;
  });
  return ephemeral(truncate(["Your join requests:", ...lines].join("\n"), CONTENT_MAX));
}

async function withdraw(
  core: Core,
  i: CommandInteraction,
  guild: string,
  id: string | undefined,
): Promise<APIInteractionResponse> {
  const userId = actorOf(i).id;
  let community: Community | undefined;
  if (id) {
    const r = Communities.resolve(core, "discord", guild, id);
    if (r.kind !== "found") {
      const known = r.kind === "unknown" || r.kind === "choose" ? r.communities : [];
      return ephemeral(
        truncate(escapeText(Messages.unknownCommunity(id.trim().toLowerCase(), known)), CONTENT_MAX),
      );
    }
    community = r.community;
  } else {
    const open = (await Requests.listForApplicant(core, "discord", guild, userId)).filter((r) =>
      OPEN_STATUSES.includes(r.request.status),
    );
    const communities = open.flatMap((r) => Communities.find(core, r.request.communityId) ?? []);
    if (communities.length === 0) return ephemeral("You have no open join request in this server.");
    if (communities.length > 1) {
      return ephemeral(
        communityList(
          communities,
          "You have several open requests. Run `/apply-withdraw community:<id>` for one of:",
        ),
      );
    }
    community = communities[0];
  }
  if (!community) return ephemeral("You have no open join request in this server.");
  const outcome = await Requests.withdraw(core, community, userId);
  return ephemeral(
    escapeText(
      outcome.kind === "withdrawn" ? Messages.withdrawn(community) : Messages.nothingToWithdraw(community),
    ),
  );
}

async function onAutocomplete(core: Core, i: AutocompleteInteraction): Promise<APIInteractionResponse> {
  const typed = focusedOption(i.data)?.value.trim().toLowerCase() ?? "";
  const here = i.guild_id ? Communities.inWorkspace(core, "discord", i.guild_id) : [];
  const choices = here
    .filter((c) => !typed || c.id.includes(typed) || c.name.toLowerCase().includes(typed))
    .slice(0, 25)
    .map((c) => ({ name: truncate(`${c.name} (${c.id})`, 100), value: c.id }));
  return { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } };
}

// The application form

/** One form, one request: a resubmitted final page records nothing new. */
export function submissionKey(userId: string, formId: string): string {
  return `discord:${userId}:${formId}`;
}

/** The community a form custom id names, if it is a Discord community of this guild. */
function formCommunity(core: Core, communityId: string, guild: string, page: number): Community | undefined {
  const community = Communities.find(core, communityId);
  if (community?.platform !== "discord" || community.workspace !== guild) return undefined;
  return page <= pageCount(community) ? community : undefined;
}

function buttonRow(...buttons: ButtonBuilder[]): APIActionRowComponent<APIButtonComponent> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(buttons).toJSON();
}

function continueButton(community: Community, formId: string, page: number, label: string): ButtonBuilder {
  return new ButtonBuilder()
    .setCustomId(customIds.next(community.id, formId, page))
    .setLabel(label)
    .setStyle(ButtonStyle.Primary);
}

async function receivedText(core: Core, community: Community, request: JoinRequest): Promise<string> {
  const position =
    request.status === "waitlisted" ? await Capacity.waitlistPosition(core, request) : undefined;
  return truncate(escapeText(Messages.received(community, request, position)), CONTENT_MAX);
}

/** The "Continue" button (also "Edit answers"): opens a page of the form, pre-filled from the draft. */
async function continueForm(
  core: Core,
  i: ComponentInteraction,
  id: { communityId: string; formId: string; page: number },
): Promise<APIInteractionResponse> {
  const guild = i.guild_id;
  if (!guild || !i.member) return ephemeral(text.guildOnly);
  const community = formCommunity(core, id.communityId, guild, id.page);
  if (!community) return updateMessage(text.formGone);
  const userId = actorOf(i).id;
  const [existing, draft] = await Promise.all([
    Requests.get(core, Requests.requestIdFor(community, submissionKey(userId, id.formId))),
    loadDraft(core, { guildId: guild, userId, formId: id.formId }, community.id),
  ]);
  if (existing) return updateMessage(await receivedText(core, community, existing));
  if (!draft) return updateMessage(text.formExpired);
  return {
    type: InteractionResponseType.Modal,
    data: buildFormModal(community, id.formId, id.page, { answers: draft.answers, note: draft.note }),
  };
}

/** A page of the form was submitted: keep it and offer the next page, or record the request. */
async function formPage(
  core: Core,
  i: ModalInteraction,
  id: { communityId: string; formId: string; page: number },
): Promise<APIInteractionResponse> {
  // A modal opened from the "Continue" button replaces that button's message; the first one answers anew.
  const reply = (content: string, buttons: ButtonBuilder[] = []) => {
    const components = buttons.length > 0 ? [buttonRow(...buttons)] : [];
    return i.message ? updateMessage(content, { components }) : ephemeral(content, { components });
  };
  const guild = i.guild_id;
  if (!guild || !i.member) return ephemeral(text.guildOnly);
  const community = formCommunity(core, id.communityId, guild, id.page);
  if (!community) return reply(text.formGone);
  const total = pageCount(community);
  const user = actorOf(i);
  const ref = { guildId: guild, userId: user.id, formId: id.formId };
  const key = submissionKey(user.id, id.formId);

  const draft = total > 1 || id.page > 1 ? await loadDraft(core, ref, community.id) : undefined;
  if (id.page > 1 && !draft) {
    const existing = await Requests.get(core, Requests.requestIdFor(community, key));
    return reply(existing ? await receivedText(core, community, existing) : text.formExpired);
  }
  const page = readPage(community, id.page, textValues(i.data.components));
  const answers = { ...draft?.answers, ...page.answers };
  const note = page.hasNote ? page.note : draft?.note;

  if (id.page < total) {
    await saveDraft(core, { ...ref, communityId: community.id, answers, note });
    return reply(
      `Page ${id.page} of ${total} saved. Click **Continue** for the next questions (your answers are kept for an hour).`,
      [continueButton(community, id.formId, id.page + 1, "Continue")],
    );
  }

  const outcome = await Requests.submit(core, {
    community,
    submissionKey: key,
    applicant: { userId: user.id, name: displayName(i) },
    answers,
    note,
    profile: profileFromInteraction(i),
  });
  switch (outcome.kind) {
    case "invalid": {
      await saveDraft(core, { ...ref, communityId: community.id, answers, note });
      const labels = new Map(community.questions.map((q) => [q.id, q.label]));
      const lines = outcome.errors.map((e) => `• ${escapeLine(labels.get(e.field) ?? "Note")}: ${e.message}`);
      const first = outcome.errors[0]?.field ?? "note";
      return reply(truncate(["Some answers need another look:", ...lines].join("\n"), CONTENT_MAX), [
        continueButton(community, id.formId, pageOf(community, first), "Edit answers"),
      ]);
    }
    case "refused":
      return reply(escapeText(Messages.refusal(community, outcome.refusal)));
    case "recorded":
      return reply(await receivedText(core, community, outcome.request));
  }
}

// Moderators

async function onComponent(core: Core, i: ComponentInteraction): Promise<APIInteractionResponse> {
  const id = parseCustomId(i.data.custom_id);
  switch (id?.kind) {
    case "next":
      return continueForm(core, i, id);
    case "approve":
      return approve(core, i, id.requestId);
    case "deny":
      return openDenyModal(core, i, id.requestId);
    default:
      return ephemeral(text.staleButton);
  }
}

async function onModal(core: Core, i: ModalInteraction): Promise<APIInteractionResponse> {
  const id = parseCustomId(i.data.custom_id);
  switch (id?.kind) {
    case "form":
      return formPage(core, i, id);
    case "reason":
      return denyWithReason(core, i, id.requestId);
    default:
      return ephemeral(text.formGone);
  }
}

function moderatorOf(i: UserInteraction) {
  const user = actorOf(i);
  return { kind: "user" as const, id: user.id, name: displayName(i) };
}

function decisionAnswer(outcome: Requests.DecideOutcome, fromMessage: boolean): APIInteractionResponse {
  switch (outcome.kind) {
    case "decided":
      // The worker edits the card (decision, by whom, no buttons) from what was recorded.
      return fromMessage ? deferredUpdate : ephemeral("Done.");
    case "already": {
      const r = outcome.request;
      const by = r.decision?.by.kind === "user" ? ` by <@${r.decision.by.id}>` : "";
      return ephemeral(
        `This request is already decided: ${Messages.STATUS_LABEL[r.status].toLowerCase()}${by}.`,
      );
    }
    case "full":
      return ephemeral(
        "The community is full and declines new members while full, so this request cannot be approved now.",
      );
    case "forbidden":
      return ephemeral(Messages.NOT_A_MODERATOR);
    case "not-found":
      return ephemeral(text.requestGone);
  }
}

async function approve(
  core: Core,
  i: ComponentInteraction,
  requestId: string,
): Promise<APIInteractionResponse> {
  if (!i.guild_id || !i.member) return ephemeral(Messages.NOT_A_MODERATOR);
  const outcome = await Requests.decide(core, {
    requestId,
    moderator: moderatorOf(i),
    moderatorRoles: i.member.roles,
    outcome: "approve",
  });
  return decisionAnswer(outcome, true);
}

/** Deny asks for a reason first: a modal pre-filled with the failed rules. */
async function openDenyModal(
  core: Core,
  i: ComponentInteraction,
  requestId: string,
): Promise<APIInteractionResponse> {
  if (!i.guild_id || !i.member) return ephemeral(Messages.NOT_A_MODERATOR);
  const request = await Requests.get(core, requestId);
  const community = request ? Communities.find(core, request.communityId) : undefined;
  if (!request || !community || community.workspace !== i.guild_id) return ephemeral(text.requestGone);
  if (!Communities.isModerator(community, actorOf(i).id, i.member.roles))
    return ephemeral(Messages.NOT_A_MODERATOR);
  if (request.status !== "pending") return decisionAnswer({ kind: "already", request }, true);

  const input = new TextInputBuilder()
    .setCustomId(inputIds.reason)
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(false)
    .setMaxLength(REASON_MAX);
  // The stored evaluation has the shape `evaluate` returned (rule names widened to strings).
  const summary = failureSummary(request.evaluation).slice(0, REASON_MAX);
  if (summary) input.setValue(summary);
  const modal = new ModalBuilder()
    .setCustomId(customIds.reason(request.id))
    .setTitle(truncate(`Deny: ${request.applicant.name.replace(/\s+/g, " ")}`, 45))
    .addLabelComponents(
      new LabelBuilder()
        .setLabel("Reason (the applicant will see it)")
        .setDescription("Optional. Pre-filled from the failed rules; edit freely.")
        .setTextInputComponent(input),
    );
  return { type: InteractionResponseType.Modal, data: modal.toJSON() };
}

async function denyWithReason(
  core: Core,
  i: ModalInteraction,
  requestId: string,
): Promise<APIInteractionResponse> {
  if (!i.guild_id || !i.member) return ephemeral(Messages.NOT_A_MODERATOR);
  const reason = textValues(i.data.components).get(inputIds.reason);
  const outcome = await Requests.decide(core, {
    requestId,
    moderator: moderatorOf(i),
    moderatorRoles: i.member.roles,
    outcome: "deny",
    reason,
  });
  return decisionAnswer(outcome, i.message !== undefined);
}
