import type { REST } from "@discordjs/rest";
import { RESTJSONErrorCodes, Routes } from "discord-api-types/v10";
import * as z from "zod";
import {
  type EffectContext,
  type EffectState,
  ensureTime,
  PermanentEffectError,
  type PlatformEffects,
} from "../../core/effects.js";
import type { Logger } from "../../core/log.js";
import type { MessageRef } from "../../core/model.js";
import type { DiscordSettings } from "../../core/settings.js";
import { renderAlert, renderCard, renderNotice, renderReminder } from "./card.js";
import { type CallContext, createDiscordApi, type DiscordApi } from "./rest.js";

/**
 * The Discord side effects the outbox worker performs, through `@discordjs/rest` (see rest.ts:
 * no waiting or retrying inside the client; failures become Retryable or Permanent errors).
 *
 * Every message carries the outbox entry's key as its `nonce` with `enforce_nonce: true`, so a
 * message sent again after an unknown outcome (the outbox retries those within a minute) returns
 * the first one instead of posting a second.
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

  /** One REST call, if there is time for it before the delivery's deadline. */
  const call = <T>(ctx: EffectContext | undefined, what: CallContext, fn: (rest: REST) => Promise<T>) => {
    ensureTime(ctx, what.action);
    return api.call(what, fn);
  };

  async function postMessage(
    ctx: EffectContext | undefined,
    channel: string,
    body: object,
    action: string,
    issues: Partial<Record<number, string>> = reviewChannelIssues(channel),
  ) {
    const once = ctx ? { nonce: ctx.key, enforce_nonce: true } : {};
    const message = await call(ctx, { action, issues }, (rest) =>
      rest.post(Routes.channelMessages(channel), { body: { ...body, ...once } }),
    );
    return messageSchema.parse(message);
  }

  return {
    async postCard(state: EffectState, ctx?: EffectContext): Promise<MessageRef> {
      const channel = state.community.reviewChannel;
      const message = await postMessage(
        ctx,
        channel,
        renderCard(state),
        `posting the card for ${state.request.id}`,
      );
      log.info("discord card posted", { requestId: state.request.id, channel, message: message.id });
      return { channel: message.channel_id, id: message.id };
    },

    async updateCard(state: EffectState, card: MessageRef, ctx?: EffectContext): Promise<void> {
      await call(
        ctx,
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

    async notify(state, notice, ctx): Promise<void> {
      const userId = state.request.applicant.userId;
      const closed = "Could not DM the applicant: their DMs are closed";
      const issues = {
        [RESTJSONErrorCodes.CannotSendMessagesToThisUser]: closed,
        [RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds]:
          "Could not DM the applicant: they no longer share a server with the bot",
        [RESTJSONErrorCodes.UnknownUser]: "Could not DM the applicant: their account no longer exists",
      };
      const dm = channelSchema.parse(
        await call(ctx, { action: `opening a DM with ${userId}`, issues }, (rest) =>
          rest.post(Routes.userChannels(), { body: { recipient_id: userId } }),
        ),
      );
      await postMessage(
        ctx,
        dm.id,
        renderNotice(state, notice),
        `sending the ${notice} notice to ${userId}`,
        issues,
      );
      log.info("discord notice sent", { requestId: state.request.id, notice });
    },

    async grant(state, ctx): Promise<void> {
      const { community, request } = state;
      const userId = request.applicant.userId;
      const by = request.decision?.by;
      const reason = `Gatekeeper: join request ${request.id} approved${by?.kind === "user" ? ` by ${by.id}` : ""}`;
      for (const role of community.grant.roles) {
        // PUT is idempotent on Discord's side: a retry of a partly done grant adds nothing twice.
        await call(
          ctx,
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

    async revoke(state, ctx): Promise<void> {
      const { community, request } = state;
      const userId = request.applicant.userId;
      for (const role of community.grant.roles) {
        try {
          ensureTime(ctx, `removing role ${role}`);
          await api.call(
            {
              action: `removing role ${role} from ${userId}`,
              issues: {
                [RESTJSONErrorCodes.MissingPermissions]: `Could not remove role ${role}: the bot needs Manage Roles, and its highest role must be above that role`,
              },
            },
            (rest) =>
              rest.delete(Routes.guildMemberRole(community.workspace, userId, role), {
                reason: `Gatekeeper: seat of join request ${request.id} given back`,
              }),
          );
        } catch (error) {
          // The member or the role is gone already: nothing to take back.
          if (error instanceof PermanentEffectError && /Unknown (Member|Role)|404/.test(error.message))
            continue;
          throw error;
        }
      }
      log.info("discord roles revoked", { requestId: request.id, roles: community.grant.roles.length });
    },

    async remind(state, ctx): Promise<void> {
      await postMessage(
        ctx,
        state.community.reviewChannel,
        renderReminder(state),
        `reminding moderators of ${state.request.id}`,
      );
    },

    async alert(state, text, ctx): Promise<void> {
      await postMessage(
        ctx,
        state.community.reviewChannel,
        renderAlert(text),
        `posting a notice about ${state.request.id} to the review channel`,
      );
      log.info("discord alert posted", { requestId: state.request.id });
    },
  };
}
