import { ActionRowBuilder, ButtonBuilder } from "@discordjs/builders";
import { type APIActionRowComponent, type APIButtonComponent, ButtonStyle } from "discord-api-types/v10";
import type { Community } from "../../../core/config/schema.js";
import type { Core } from "../../../core/context.js";
import * as Messages from "../../../core/messages.js";
import type { Text } from "../../../core/text.js";
import type { Origin } from "../../../core/usecases/origin.js";
import { findSubmission, formCommunity, type Recorded } from "../../../core/usecases/submit.js";
import { customIds } from "../custom-ids.js";
import { pageCount } from "../form.js";

/** What the paged form's button and modal share. */

/** One form, one request: a resubmitted final page records nothing new. */
export function submissionKey(userId: string, formId: string): string {
  return `discord:${userId}:${formId}`;
}

/** The community a form custom id names, if it is one of the origin's server and has that page. */
export function pagedCommunity(
  core: Core,
  origin: Origin,
  communityId: string,
  page: number,
): Community | undefined {
  const community = formCommunity(core, origin, communityId);
  return community && page <= pageCount(community) ? community : undefined;
}

/** This form's request, if it was already recorded. */
export function recordedForm(core: Core, community: Community, origin: Origin, formId: string) {
  return findSubmission(core, community, submissionKey(origin.userId, formId));
}

export function receivedText(r: Recorded): Text {
  return Messages.received(r.community, r.request, r.waitlistPosition);
}

export function buttonRow(...buttons: ButtonBuilder[]): APIActionRowComponent<APIButtonComponent> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(buttons).toJSON();
}

export function continueButton(
  community: Community,
  formId: string,
  page: number,
  label: string,
): ButtonBuilder {
  return new ButtonBuilder()
    .setCustomId(customIds.next(community.id, formId, page))
    .setLabel(label)
    .setStyle(ButtonStyle.Primary);
}
