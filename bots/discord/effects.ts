import { DiscordAPIError } from "@discordjs/rest";
import { RESTJSONErrorCodes, Routes } from "discord-api-types/v10";
import { z } from "zod";
import type { EffectState, MemberCheck, PlatformEffects } from "../../core/effects.js";
import type { Logger } from "../../core/log.js";
import type { MessageRef } from "../../core/model.js";
import type { DiscordSettings } from "../../core/settings.js";
import { renderCard, renderNotice, renderQuestion, renderReminder, renderThreadEntry } from "./card.js";
import { truncate } from "./escape.js";
import { createDiscordApi, type DiscordApi, toEffectError } from "./rest.js";

/**
 * The Discord side effects the outbox worker performs, through `@discordjs/rest` (see rest.ts:
 * no waiting or retrying inside the client; failures become Retryable or Permanent errors).
 */
const messageSchema = z.object({ id: z.string(), channel_id: z.string() });
const channelSchema = z.object({ id: z.string() });
const memberSchema = z.object({ roles: z.array(z.string()) });
/** A thread's name: at most 100 characters. */
const THREAD_NAME_MAX = 100;
/** Threads from cards stay open a week without activity. */
const THREAD_ARCHIVE_MINUTES = 10080;

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

  /** Opens (or finds) the DM channel with a user and posts there; closed DMs are permanent issues. */
  async function dm(userId: string, body: unknown, action: string): Promise<void> {
    const issues = {
      [RESTJSONErrorCodes.CannotSendMessagesToThisUser]: "Could not DM the applicant: their DMs are closed",
      [RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds]:
        "Could not DM the applicant: they no longer share a server with the bot",
      [RESTJSONErrorCodes.UnknownUser]: "Could not DM the applicant: their account no longer exists",
    };
    const channel = channelSchema.parse(
      await api.call({ action: `opening a DM with ${userId}`, issues }, (rest) =>
        rest.post(Routes.userChannels(), { body: { recipient_id: userId } }),
      ),
    );
    await postMessage(channel.id, body, action, issues);
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

    async askApplicant(state, round): Promise<void> {
      const userId = state.request.applicant.userId;
      await dm(userId, renderQuestion(state, round), `sending question ${round} to ${userId}`);
      log.info("discord question sent", { requestId: state.request.id, round });
    },

    /** A thread started from the card message; its id is the message's. Already started is fine. */
    async openThread(state, card): Promise<MessageRef> {
      const name = truncate(
        `Questions: ${state.request.applicant.name.replace(/\s+/g, " ")}`,
        THREAD_NAME_MAX,
      );
      try {
        const thread = channelSchema.parse(
          await api.rest.post(Routes.threads(card.channel, card.id), {
            body: { name, auto_archive_duration: THREAD_ARCHIVE_MINUTES },
            reason: `Gatekeeper: questions about join request ${state.request.id}`,
          }),
        );
        log.info("discord thread started", { requestId: state.request.id, thread: thread.id });
        return { channel: thread.id, id: thread.id };
      } catch (error) {
        if (
          error instanceof DiscordAPIError &&
          error.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage
        )
          return { channel: card.id, id: card.id };
        throw toEffectError(error, {
          action: `starting the thread of ${state.request.id}`,
          issues: {
            [RESTJSONErrorCodes.MissingPermissions]:
              "Could not start the card's thread: the bot needs Create Public Threads and Send Messages in Threads in the review channel",
          },
        });
      }
    },

    async postInThread(state, thread, entry): Promise<void> {
      await postMessage(
        thread.channel,
        renderThreadEntry(state, entry),
        `posting the ${entry.part} of question ${entry.round} of ${state.request.id}`,
        {
          [RESTJSONErrorCodes.MissingPermissions]:
            "Could not post in the card's thread: the bot needs Send Messages in Threads in the review channel",
          [RESTJSONErrorCodes.UnknownChannel]: "The card's thread was deleted",
        },
      );
    },

    /**
     * GET /guilds/{g}/members/{u}: gone from the server (Unknown Member), or without the seat's
     * role (the first of `grant.roles`). Rate limits and outages throw for the caller to stop.
     */
    async checkMember(community, userId): Promise<MemberCheck> {
      const member = await api.call({ action: `checking member ${userId}` }, async (rest) => {
        try {
          return memberSchema.parse(await rest.get(Routes.guildMember(community.workspace, userId)));
        } catch (error) {
          const code = error instanceof DiscordAPIError ? error.code : undefined;
          if (code === RESTJSONErrorCodes.UnknownMember || code === RESTJSONErrorCodes.UnknownUser)
            return null;
          throw error;
        }
      });
      if (!member) return "left";
      const seatRole = community.grant.roles[0];
      return seatRole === undefined || member.roles.includes(seatRole) ? "member" : "role-removed";
    },
  };
}
