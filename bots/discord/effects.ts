import { randomBytes } from "node:crypto";
import { DiscordAPIError, type REST } from "@discordjs/rest";
import { RESTJSONErrorCodes, Routes } from "discord-api-types/v10";
import * as z from "zod";
import {
  type EffectContext,
  type EffectState,
  ensureTime,
  type MemberCheck,
  PermanentEffectError,
  type PlatformEffects,
} from "../../core/effects.js";
import type { Logger } from "../../core/log.js";
import type { MessageRef } from "../../core/model.js";
import type { DiscordSettings } from "../../core/settings.js";
import {
  renderAlert,
  renderCard,
  renderNotice,
  renderQuestion,
  renderReminder,
  renderThreadEntry,
} from "./card.js";
import { NO_MENTIONS, truncate } from "./escape.js";
import { renderQueueMessage } from "./queue.js";
import { toMarkdown } from "./render.js";
import { type CallContext, createDiscordApi, type DiscordApi, toEffectError } from "./rest.js";

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

  /** Opens (or finds) the DM channel with a user and posts there; closed DMs are permanent issues. */
  async function dm(
    ctx: EffectContext | undefined,
    userId: string,
    body: object,
    action: string,
  ): Promise<void> {
    const issues = {
      [RESTJSONErrorCodes.CannotSendMessagesToThisUser]: "Could not DM the applicant: their DMs are closed",
      [RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds]:
        "Could not DM the applicant: they no longer share a server with the bot",
      [RESTJSONErrorCodes.UnknownUser]: "Could not DM the applicant: their account no longer exists",
    };
    const channel = channelSchema.parse(
      await call(ctx, { action: `opening a DM with ${userId}`, issues }, (rest) =>
        rest.post(Routes.userChannels(), { body: { recipient_id: userId } }),
      ),
    );
    await postMessage(ctx, channel.id, body, action, issues);
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
      await dm(ctx, userId, renderNotice(state, notice), `sending the ${notice} notice to ${userId}`);
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

    /** A bulk decision's report: the queue message it came from is edited in place (interaction token). */
    async reportBulk(delivery, ctx): Promise<void> {
      if (delivery.reply.kind !== "interaction") return;
      const { applicationId, token } = delivery.reply;
      const body = delivery.queue
        ? renderQueueMessage(delivery.queue.community, delivery.queue.page, { notice: delivery.text })
        : { content: toMarkdown(delivery.text), embeds: [], components: [] };
      // An edit of the same message: repeating it is harmless.
      await call(
        ctx,
        {
          action: "reporting a bulk decision",
          issues: {
            [RESTJSONErrorCodes.UnknownWebhook]:
              "The queue message can no longer be edited (its interaction expired)",
          },
        },
        (rest) =>
          rest.patch(Routes.webhookMessage(applicationId, token, "@original"), {
            body: { ...body, allowed_mentions: NO_MENTIONS },
            auth: false,
          }),
      );
      log.info("discord bulk report sent", { ...delivery.report });
    },

    /**
     * The digest: the summary and the chart as an attachment shown in an embed, with the entry's
     * nonce like every other message (a resend after an unknown outcome returns the first).
     */
    async postDigest(digest, ctx): Promise<void> {
      const channel = digest.community.reviewChannel;
      const once = ctx ? { nonce: ctx.key, enforce_nonce: true } : {};
      await call(
        ctx,
        { action: `posting the weekly digest in ${channel}`, issues: reviewChannelIssues(channel) },
        (rest) =>
          rest.post(Routes.channelMessages(channel), {
            ...multipart(
              {
                content: toMarkdown(digest.text),
                embeds: [{ image: { url: `attachment://${digest.filename}` }, color: 0x2a9d8f }],
                attachments: [
                  { id: 0, filename: digest.filename, description: digest.altText.slice(0, 1024) },
                ],
                allowed_mentions: NO_MENTIONS,
                ...once,
              },
              { name: digest.filename, data: digest.png, contentType: "image/png" },
            ),
          }),
      );
      log.info("discord digest posted", { community: digest.community.id, week: digest.week });
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

    async askApplicant(state, round, ctx): Promise<void> {
      const userId = state.request.applicant.userId;
      await dm(ctx, userId, renderQuestion(state, round), `sending question ${round} to ${userId}`);
      log.info("discord question sent", { requestId: state.request.id, round });
    },

    /** A thread started from the card message; its id is the message's. Already started is fine. */
    async openThread(state, card, ctx): Promise<MessageRef> {
      const name = truncate(
        `Questions: ${state.request.applicant.name.replace(/\s+/g, " ")}`,
        THREAD_NAME_MAX,
      );
      ensureTime(ctx, `starting the thread of ${state.request.id}`);
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

    async postInThread(state, thread, entry, ctx): Promise<void> {
      await postMessage(
        ctx,
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

/**
 * A message with one file, as Discord's multipart/form-data (`payload_json` and `files[0]`), built
 * here and passed through as bytes: the REST client's own FormData path depends on which fetch
 * and Blob implementations the process has (it broke under the test runner), these bytes do not.
 */
export function multipart(
  payload: unknown,
  file: { name: string; data: Uint8Array; contentType: string },
): { body: Buffer; passThroughBody: true; headers: Record<string, string> } {
  const boundary = `gatekeeper-${randomBytes(12).toString("hex")}`;
  const safeName = file.name.replace(/["\r\n]/g, "_");
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(payload)}\r\n`,
    ),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files[0]"; filename="${safeName}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
    ),
    Buffer.from(file.data),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return {
    body,
    passThroughBody: true,
    headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
  };
}
