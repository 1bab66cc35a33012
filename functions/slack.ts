import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { createSlackApp } from "../bots/slack/app.js";
import { verifySlackSignature } from "../bots/slack/verify.js";
import { withLogContext } from "../core/log.js";
import { lazyHandler, type Runtime } from "./runtime.js";

type SlackHandler = (
  event: APIGatewayProxyEventV2,
  context?: unknown,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * `POST /slack/events`: slash commands, interactivity and the Events API on one URL (Lambda
 * Function URL, payload 2.0). The signature is checked first (401, nothing else runs); Bolt does
 * the rest and answers when its listener has finished.
 */
export function createSlackHandler(runtime: Runtime): SlackHandler {
  const settings = runtime.settings.slack;
  const log = runtime.core.log;
  const signingSecret = settings?.signingSecret;
  if (!settings || !signingSecret) {
    return async () => ({
      statusCode: 404,
      headers: { "content-type": "text/plain" },
      body: settings ? "Slack is connected over Socket Mode, not HTTP" : "Slack is not configured",
    });
  }
  const secret: string = signingSecret;
  const { receiver } = createSlackApp(runtime.core, settings, log);
  const bolt = receiver.toHandler();

  return (event, context) => withLogContext({ platform: "slack" }, () => answer(event, context));

  async function answer(
    event: APIGatewayProxyEventV2,
    context: unknown,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const started = Date.now();
    const request = normalize(event);
    const verdict = verifySlackSignature({
      signingSecret: secret,
      body: request.body ?? "",
      signature: request.headers["x-slack-signature"],
      timestamp: request.headers["x-slack-request-timestamp"],
    });
    if (!verdict.ok) {
      log.warn("slack request refused: bad signature", { why: verdict.why });
      return { statusCode: 401, headers: { "content-type": "text/plain" }, body: "invalid signature" };
    }
    let result: APIGatewayProxyStructuredResultV2;
    try {
      const answer = await bolt(request, context);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(answer.headers ?? {})) headers[k] = String(v);
      result = { statusCode: answer.statusCode, headers, body: answer.body };
    } catch (error) {
      // Bolt throws (instead of answering) on a body it cannot parse.
      log.warn("slack request not understood", { error });
      result = { statusCode: 400, headers: { "content-type": "text/plain" }, body: "bad request" };
    }
    log.info("slack request answered", {
      status: result.statusCode,
      ms: Date.now() - started,
      ...(request.headers["x-slack-retry-num"] ? { retryNum: request.headers["x-slack-retry-num"] } : {}),
    });
    return result;
  }
}

/**
 * Lower-cased header names, a UTF-8 body (Bolt would decode a base64 body as ASCII and break the
 * signature of any non-ASCII text) and a bare content type (Bolt compares it exactly).
 */
function normalize(event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const type = headers["content-type"];
  if (type) headers["content-type"] = type.split(";")[0]?.trim().toLowerCase() ?? type;
  const body =
    event.body === undefined
      ? ""
      : event.isBase64Encoded
        ? Buffer.from(event.body, "base64").toString("utf8")
        : event.body;
  return { ...event, headers, body, isBase64Encoded: false };
}

export const handler = lazyHandler(createSlackHandler);
