import { RESTJSONErrorCodes, Routes } from "discord-api-types/v10";
import * as z from "zod";
import type { EffectState, PlatformEffects } from "../../core/effects.js";
import type { Logger } from "../../core/log.js";
import type { MessageRef } from "../../core/model.js";
import type { DiscordSettings } from "../../core/settings.js";
import { renderCard, renderNotice, renderReminder } from "./card.js";
import { createDiscordApi, type DiscordApi } from "./rest.js";

/**
 * The Discord side effects the outbox worker performs, through `@discordjs/rest` (see rest.ts:
 * no waiting or retrying inside the client; failures become Retryable or Permanent errors).
 */
const messageSchema = z.object({ id: z.string(), channel_id: z.string() });
const channelSchema = z.object({ id: z.string() });

export function createDiscordEffects(
  settings: DiscordSettings,
  log: Logger,
  api: DiscordApi = createDiscordApi(settings),
): PlatformEffects {
  const reviewChannelIssues = (channel: string) => ({
    [RESTJSONErrorCodes.MissingPermissions]: `The bot cannot post in the review channel ${channel}: it needs View Channel, Send Messages and Embed Links there`,
    [RESTJSONErrorCodes.MissingAccess]: `The bot cannot see the review channel ${channel}: give it View Channel there`,
    [RESTJSONErrorCodes.UnknownChannel]: `The review channel ${channel} does not exist (check reviewChannel)`,
  });

  async function postMessage(
    channel: string,
    body: unknown,
    action: string,
    issues: Partial<Record<number, string>> = reviewChannelIssues(channel),
  ) {
    const message = await api.call({ action, issues }, (rest) =>
      rest.post(Routes.channelMessages(channel), { body }),
    );
    return messageSchema.parse(message);
  }

  return {
    async postCard(state: EffectState): Promise<MessageRef> {
      const channel = state.community.reviewChannel;
      const message = await postMessage(
        channel,
        renderCard(state),
        `posting the card for ${state.request.id}`,
      );
      log.info("discord card posted", { requestId: state.request.id, channel, message: message.id });
      return { channel: message.channel_id, id: message.id };
    },

    async updateCard(state: EffectState, card: MessageRef): Promise<void> {
      await api.call(
        {
          action: `updating the card of ${state.request.id}`,
          issues: {
            ...reviewChannelIssues(card.channel),
            [RESTJSONErrorCodes.UnknownMessage]: "The card message was deleted, so it cannot show updates",
          },
        },
        (rest) => rest.patch(Routes.channelMessage(card.channel, card.id), { body: renderCard(state) }),
      );
    },

    async notify(state, notice): Promise<void> {
      const userId = state.request.applicant.userId;
      const closed = "Could not DM the applicant: their DMs are closed";
      const issues = {
        [RESTJSONErrorCodes.CannotSendMessagesToThisUser]: closed,
        [RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds]:
          "Could not DM the applicant: they no longer share a server with the bot",
        [RESTJSONErrorCodes.UnknownUser]: "Could not DM the applicant: their account no longer exists",
      };
      const dm = channelSchema.parse(
        await api.call({ action: `opening a DM with ${userId}`, issues }, (rest) =>
          rest.post(Routes.userChannels(), { body: { recipient_id: userId } }),
        ),
      );
      await postMessage(
        dm.id,
        renderNotice(state, notice),
        `sending the ${notice} notice to ${userId}`,
        issues,
      );
      log.info("discord notice sent", { requestId: state.request.id, notice });
    },

    async grant(state): Promise<void> {
      const { community, request } = state;
      const userId = request.applicant.userId;
      const by = request.decision?.by;
      const reason = `Gatekeeper: join request ${request.id} approved${by?.kind === "user" ? ` by ${by.id}` : ""}`;
      for (const role of community.grant.roles) {
        // PUT is idempotent on Discord's side: a retry of a partly done grant adds nothing twice.
        await api.call(
          {
            action: `adding role ${role} to ${userId}`,
            issues: {
              [RESTJSONErrorCodes.MissingPermissions]: `Could not add role ${role}: the bot needs Manage Roles, and its highest role must be above that role`,
              [RESTJSONErrorCodes.UnknownRole]: `Could not add role ${role}: it does not exist (check grant.roles)`,
              [RESTJSONErrorCodes.UnknownMember]:
                "Could not add the roles: the applicant is no longer in the server",
            },
          },
          (rest) => rest.put(Routes.guildMemberRole(community.workspace, userId, role), { reason }),
        );
      }
      log.info("discord roles granted", { requestId: request.id, roles: community.grant.roles.length });
    },

    async remind(state): Promise<void> {
      await postMessage(
        state.community.reviewChannel,
        renderReminder(state),
        `reminding moderators of ${state.request.id}`,
      );
    },
  };
}
