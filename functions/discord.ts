import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { answerInteraction } from "../bots/discord/answer.js";
import { lateSender } from "../bots/discord/deferral.js";
import { discordPublicKey, verifyDiscordRequest } from "../bots/discord/verify.js";
import { lazyHandler, type Runtime } from "./runtime.js";

/**
 * The Discord interactions endpoint (a Lambda Function URL; locally `POST /discord/interactions`).
 * Thin: verify the Ed25519 signature (401 on any failure), parse the JSON, hand it to
 * `answerInteraction` (the same one the Gateway uses), return its answer. Handlers only read and write the table;
 * Discord API calls happen later in the outbox worker, and an answer the table makes late is
 * deferred within the budget, counted from when this handler received the request.
 */
export function createDiscordHandler(runtime: Runtime) {
  const settings = runtime.settings.discord;
  const key = settings?.publicKey ? discordPublicKey(settings.publicKey) : undefined;
  const { core } = runtime;
  const sendLate = settings ? lateSender(settings, core.log) : undefined;

  return async (
    event: APIGatewayProxyEventV2,
    _context?: unknown,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const receivedAt = Date.now();
    if (!key || !sendLate) return json(404, { error: "Discord is not configured" });

    const body = event.isBase64Encoded
      ? Buffer.from(event.body ?? "", "base64")
      : Buffer.from(event.body ?? "", "utf8");
    const verified = verifyDiscordRequest(
      key,
      { signature: header(event, "x-signature-ed25519"), timestamp: header(event, "x-signature-timestamp") },
      body,
      core.now(),
    );
    if (!verified.ok) {
      core.log.warn("discord request rejected", { platform: "discord", why: verified.reason });
      return json(401, { error: "invalid request signature" });
    }

    let raw: unknown;
    try {
      raw = JSON.parse(body.toString("utf8"));
    } catch {
      return json(400, { error: "body is not JSON" });
    }
    const answer = await answerInteraction(core, raw, { receivedAt, sendLate });
    return answer ? json(200, answer) : json(400, { error: "unsupported interaction" });
  };
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

function json(statusCode: number, value: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

export const handler = lazyHandler(createDiscordHandler);
