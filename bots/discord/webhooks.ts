import { DiscordAPIError, type REST } from "@discordjs/rest";
import { Routes } from "discord-api-types/v10";
import type { Logger } from "../../core/log.js";
import type { DiscordSettings } from "../../core/settings.js";
import type { LateDelivery, SendLate } from "./deferral.js";
import { createWebhookRest } from "./rest.js";

/**
 * Late answers through interaction webhooks (deferral.ts decides what to send; this sends it).
 * Loaded only when an answer was late.
 */
export function createLateSender(settings: Pick<DiscordSettings, "apiUrl">, log: Logger): SendLate {
  const rest = createWebhookRest(settings);
  return (i, delivery) => sendLate(rest, i, delivery, log);
}

/** Attempts of one webhook call: right after a deferral it can 404 for a moment. */
const ATTEMPTS = 4;
const FIRST_WAIT_MS = 250;

/**
 * Sends a late answer through the interaction's webhook. The client retries a 5xx or a network
 * failure and waits out a rate limit itself; a 404 (the deferral not yet known there) is retried here.
 */
async function sendLate(
  rest: REST,
  i: { application_id: string; token: string },
  delivery: LateDelivery,
  log: Logger,
): Promise<void> {
  const original = Routes.webhookMessage(i.application_id, i.token, "@original");
  for (let attempt = 1; ; attempt++) {
    try {
      switch (delivery.kind) {
        case "edit":
          await rest.patch(original, { body: delivery.body, auth: false });
          return;
        case "follow-up":
          await rest.post(Routes.webhook(i.application_id, i.token), { body: delivery.body, auth: false });
          return;
        case "delete":
          await rest.delete(original, { auth: false });
          return;
      }
    } catch (error) {
      const notYet = error instanceof DiscordAPIError && error.status === 404;
      if (!notYet || attempt >= ATTEMPTS) {
        log.warn("discord late answer not delivered", { delivery: delivery.kind, attempt, error });
        return;
      }
      await new Promise((r) => setTimeout(r, FIRST_WAIT_MS * 2 ** (attempt - 1)));
    }
  }
}
