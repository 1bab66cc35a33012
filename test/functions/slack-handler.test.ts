import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import { silentLogger } from "../../core/log.js";
import * as Requests from "../../core/requests.js";
import { settingsFromEnv } from "../../core/settings.js";
import { createRuntime } from "../../functions/runtime.js";
import { createSlackHandler, handler } from "../../functions/slack.js";
import { SECRET, type SlackBot, startSlackBot, viewText } from "../support/slack-bot.js";
import { slashCommand, viewSubmission } from "../support/slack-payloads.js";
import { formBody, payloadBody, signedHeaders } from "../support/slack-sign.js";

/**
 * The Lambda handler itself (what a Function URL invokes), fed payload-2.0 events directly:
 * the parts of the HTTP contract the local server's adapter does not exercise.
 */

const CONFIG = parseConfig(
  `
communities:
  - id: makers
    name: Makers
    platform: slack
    workspace: T0TEST
    reviewChannel: C0REVIEW
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0MEMBERS] }
    questions:
      - { id: why, label: Why?, style: paragraph, maxLength: 200 }
`,
  "handler.yaml",
);

function event(body: string, headers: Record<string, string>, base64 = false): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/slack/events",
    rawQueryString: "",
    headers,
    requestContext: {
      accountId: "123",
      apiId: "url",
      domainName: "example.lambda-url.us-east-1.on.aws",
      domainPrefix: "example",
      http: {
        method: "POST",
        path: "/slack/events",
        protocol: "HTTP/1.1",
        sourceIp: "1.2.3.4",
        userAgent: "Slackbot 1.0",
      },
      requestId: "req",
      routeKey: "$default",
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: base64 ? Buffer.from(body, "utf8").toString("base64") : body,
    isBase64Encoded: base64,
  };
}

describe("the Slack Lambda handler", () => {
  let bot: SlackBot;
  let handle: ReturnType<typeof createSlackHandler>;

  beforeAll(async () => {
    bot = await startSlackBot(CONFIG);
    handle = createSlackHandler(bot.server.runtime);
  });
  afterAll(() => bot.close());

  it("is a two-argument async handler, built lazily (nothing read or connected at import)", () => {
    expect(handler.length).toBe(2);
    expect(handle.length).toBe(2);
  });

  it("answers Slack's url_verification challenge, signed", async () => {
    const body = JSON.stringify({ token: "x", challenge: "c-123", type: "url_verification" });
    const ok = await handle(event(body, signedHeaders(SECRET, body, { contentType: "application/json" })));
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body ?? "")).toEqual({ challenge: "c-123" });
    const bad = await handle(event(body, signedHeaders("other", body, { contentType: "application/json" })));
    expect(bad.statusCode).toBe(401);
  });

  it("accepts a base64 body with non-ASCII text and a content type with parameters", async () => {
    const trigger = "77.1.trigger";
    const command = formBody(slashCommand({ user: "U0UTF8", text: "makers", trigger }));
    const opened = await handle(
      event(
        command,
        signedHeaders(SECRET, command, { contentType: "application/x-www-form-urlencoded; charset=utf-8" }),
        true,
      ),
    );
    expect(opened.statusCode).toBe(200);
    const view = bot.fake.succeeded("views.open").find((c) => c.params.trigger_id === trigger)?.response
      ?.view as {
      id: string;
      private_metadata: string;
    };
    const answer = "Zoë from Malmö 🎉 – « bonjour »";
    const body = payloadBody(
      viewSubmission({
        viewId: view.id,
        user: "U0UTF8",
        metadata: view.private_metadata,
        values: { "q:why": answer },
      }),
    );
    const submitted = await handle(event(body, signedHeaders(SECRET, body), true));
    expect(submitted.statusCode).toBe(200);
    expect(viewText({ status: 200, text: "", json: JSON.parse(submitted.body ?? "{}"), ms: 0 })).toContain(
      "was received",
    );
    const [mine] = await Requests.listForApplicant(bot.server.runtime.core, "slack", "T0TEST", "U0UTF8");
    expect(mine?.request.answers[0]?.value).toBe(answer);
  });

  it("refuses a body signed for different content (a replayed signature) with 401", async () => {
    const original = formBody(slashCommand({ user: "U0REPLAY", text: "help" }));
    const headers = signedHeaders(SECRET, original);
    const tampered = formBody(slashCommand({ user: "U0REPLAY", text: "makers" }));
    expect((await handle(event(tampered, headers))).statusCode).toBe(401);
    expect((await handle(event(original, headers))).statusCode).toBe(200);
  });

  it("answers 404 when Slack is not configured", async () => {
    const runtime = createRuntime(
      settingsFromEnv({ DYNAMODB_ENDPOINT: "http://127.0.0.1:9", TABLE_NAME: "unused" }),
      {
        config: CONFIG,
        log: silentLogger,
      },
    );
    const off = createSlackHandler(runtime);
    expect((await off(event("x", {}))).statusCode).toBe(404);
  });
});
