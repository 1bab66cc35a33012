import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { parseInteraction } from "../bots/discord/interaction.js";
import { failureAnswer, handleInteraction } from "../bots/discord/interactions/router.js";
import { discordPublicKey, verifyDiscordRequest } from "../bots/discord/verify.js";
import { lazyHandler, type Runtime } from "./runtime.js";

/**
 * The Discord interactions endpoint (a Lambda Function URL; locally `POST /discord/interactions`).
 * Thin: verify the Ed25519 signature (401 on any failure), parse the body with zod, hand it to
 * `bots/discord/handlers.ts`, return its answer as JSON. Handlers only read and write the table;
 * Discord API calls happen later in the outbox worker, so every answer is quick.
 */
export function createDiscordHandler(runtime: Runtime) {
  const settings = runtime.settings.discord;
  const key = settings ? discordPublicKey(settings.publicKey) : undefined;
  const { core } = runtime;

  return async (
    event: APIGatewayProxyEventV2,
    _context?: unknown,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const started = performance.now();
    if (!key) return json(404, { error: "Discord is not configured" });

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
      core.log.warn("discord request rejected", { reason: verified.reason });
      return json(401, { error: "invalid request signature" });
    }

    const parsed = parseInteraction(body.toString("utf8"));
    if (!parsed.ok) {
      core.log.warn("discord interaction not understood", { why: parsed.why, issues: parsed.issues });
      return json(400, { error: parsed.why === "not JSON" ? "body is not JSON" : "unsupported interaction" });
    }
    const { interaction } = parsed;

    let answer: unknown;
    try {
      answer = await handleInteraction(core, interaction);
    } catch (error) {
      core.log.error("discord interaction failed", { interactionType: interaction.type, error });
      answer = failureAnswer(interaction);
    }
    core.log.info("discord interaction answered", {
      interactionType: interaction.type,
      ms: Math.round(performance.now() - started),
    });
    return json(200, answer);
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
