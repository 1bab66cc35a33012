import { randomBytes } from "node:crypto";
import { RESTJSONErrorCodes, Routes } from "discord-api-types/v10";
import { z } from "zod";
import type { EffectState, PlatformEffects } from "../../core/effects.js";
import type { Logger } from "../../core/log.js";
import type { MessageRef } from "../../core/model.js";
import type { DiscordSettings } from "../../core/settings.js";
import { renderCard, renderNotice, renderReminder } from "./card.js";
import { NO_MENTIONS } from "./escape.js";
import { renderQueueMessage } from "./queue.js";
import { toMarkdown } from "./render.js";
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

    /** A bulk decision's report: the queue message it came from is edited in place (interaction token). */
    async reportBulk(delivery): Promise<void> {
      if (delivery.reply.kind !== "interaction") return;
      const { applicationId, token } = delivery.reply;
      const body = delivery.queue
        ? renderQueueMessage(delivery.queue.community, delivery.queue.page, { notice: delivery.text })
        : { content: toMarkdown(delivery.text), embeds: [], components: [] };
      await api.call(
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

    /** The digest: the summary and the chart as an attachment shown in an embed. */
    async postDigest(digest): Promise<void> {
      const channel = digest.community.reviewChannel;
      await api.call(
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
              },
              { name: digest.filename, data: digest.png, contentType: "image/png" },
            ),
          }),
      );
      log.info("discord digest posted", { community: digest.community.id, week: digest.week });
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
