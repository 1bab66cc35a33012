import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { createSlackApp } from "../bots/slack/app.js";
import { RECEIVED_AT_HEADER } from "../bots/slack/deadline.js";
import { isSslCheck, screenSlackBody } from "../bots/slack/screen.js";
import { verifySlackSignature } from "../bots/slack/verify.js";
import { withLogContext } from "../core/log.js";
import { lazyHandler, type Runtime } from "./runtime.js";

type SlackHandler = (
  event: APIGatewayProxyEventV2,
  context?: unknown,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * `POST /slack/events`: slash commands, interactivity and the Events API on one URL (Lambda
 * Function URL, payload 2.0). The signature is checked first (401, nothing else runs; the one
 * exception is Slack's unsigned `ssl_check`, answered 200 with nothing done). The body is then
 * screened (`bots/slack/screen.ts`): what the bot does not handle is answered here (400, or 200
 * for Slack's housekeeping), and Bolt gets only the screened, canonical body, so no input can
 * make it throw (a 5xx, which Slack retries). Bolt answers when its listener has finished.
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
    request.headers[RECEIVED_AT_HEADER] = String(started);
    const contentType = request.headers["content-type"];
    if (isSslCheck(contentType, request.body ?? "")) {
      log.info("slack ssl_check answered");
      return { statusCode: 200, headers: { "content-type": "text/plain" }, body: "" };
    }
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
    const screened = screenSlackBody(contentType, request.body ?? "");
    if (screened.kind === "answer") {
      const fields = { what: screened.what, why: screened.why, ...screened.details };
      if (screened.status === 400) log.warn("slack request not understood", fields);
      else if (screened.alert) log.warn(`slack ${screened.what}: ${screened.why ?? ""}`, fields);
      else log.info(`slack ${screened.what}: ${screened.why ?? "ignored"}`, fields);
      return {
        statusCode: screened.status,
        headers: { "content-type": "text/plain" },
        body: screened.status === 200 ? "" : "bad request",
      };
    }
    let result: APIGatewayProxyStructuredResultV2;
    try {
      const answer = await bolt(
        {
          ...request,
          headers: { ...request.headers, "content-type": screened.contentType },
          body: screened.body,
        },
        context,
      );
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(answer.headers ?? {})) headers[k] = String(v);
      result = { statusCode: answer.statusCode, headers, body: answer.body };
    } catch (error) {
      // Not expected after the screen; kept so that nothing a listener does can reach Lambda as a throw.
      log.error("slack request failed", { what: screened.what, error });
      result = { statusCode: 500, headers: { "content-type": "text/plain" }, body: "internal error" };
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
