import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { transportSummary } from "../../../cli/main.js";
import { type LocalServer, PlatformConnectError, startServer } from "../../../cli/server.js";
import { parseConfig } from "../../../core/config/load.js";
import { createLogger } from "../../../core/log.js";
import * as Requests from "../../../core/requests.js";
import { settingsFromEnv } from "../../../core/settings.js";
import { communityOf } from "../../support/core.js";
import { testTableName } from "../../support/dynamo.js";
import { defaultUser, type FakeSlack, startFakeSlack } from "../../support/fake-slack.js";
import { type FakeSocketMode, startFakeSocketMode } from "../../support/fake-socket-mode.js";
import { buttonClick, nextTrigger, slashCommand, viewSubmission } from "../../support/slack-payloads.js";

/**
 * Slack over Socket Mode, end to end: the local server started with an app-level token (no
 * signing secret), the real Bolt `SocketModeReceiver` connecting to a fake Socket Mode server
 * whose URL the fake Web API hands out from `apps.connections.open`, the same listeners as the
 * HTTP path, DynamoDB Local and the stream-driven outbox worker posting to the fake Web API.
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
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 200 }
    rules: { requireAvatar: true, emailDomains: [example.com] }
`,
  "socket-mode.yaml",
);

/** Distinctive text that must reach Slack (the card) and never the logs. */
const ANSWER = "Zanzibar-furniture-7731 because I carve oak";
const NOTE = "Quokka-note-5512 see you inside";
const EMAIL = "marguerite.quillfeather@example.com";

let fake: FakeSlack;
let socket: FakeSocketMode;
let server: LocalServer;
const logs: string[] = [];
const emf: string[] = [];

beforeAll(async () => {
  fake = await startFakeSlack();
  socket = await startFakeSocketMode();
  fake.socketModeUrl = socket.url;
  fake.setUser({
    ...defaultUser("U0APPL1"),
    real_name: "Marguerite Quillfeather",
    profile: { ...defaultUser("U0APPL1").profile, real_name: "Marguerite Quillfeather", email: EMAIL },
  });
  const { createMetrics } = await import("../../../core/metrics.js");
  server = await startServer({
    settings: settingsFromEnv({
      DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"),
      TABLE_NAME: await testTableName("gk-socket"),
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_BOT_TOKEN: fake.token,
      SLACK_API_URL: fake.apiUrl,
    }),
    config: CONFIG,
    port: 0,
    host: "127.0.0.1",
    log: createLogger("debug", (line) => {
      logs.push(line);
      if (process.env.GK_TEST_DEBUG) process.stderr.write(`${line}\n`);
    }),
    metrics: createMetrics({ service: "gatekeeper-test", write: (line) => emf.push(line) }),
    sweepIntervalMs: false,
  });
});

afterAll(async () => {
  await server?.close();
  await socket?.close();
  await fake?.close();
});

describe("Slack over Socket Mode", () => {
  it("connects with the app token instead of serving /slack/events, and says so", async () => {
    expect(server.transports.slack).toBe("socket-mode");
    expect(transportSummary(server.transports).slack).toBe("on (Socket Mode)");
    const open = fake.succeeded("apps.connections.open");
    expect(open).toHaveLength(1);
    expect(open[0]?.token).toBe(fake.appToken);
    expect(socket.open()).toBe(1);
    const res = await fetch(`${server.url}/slack/events`, { method: "POST", body: "x" });
    expect(res.status).toBe(404);
  });

  it("runs /apply → form → card → Approve through envelopes, acknowledging each with the listener's answer", async () => {
    const trigger = nextTrigger();
    const command = slashCommand({ user: "U0APPL1", text: "makers", trigger });
    const commandAck = await socket.send("slash_commands", command);
    expect(commandAck.payload ?? {}).toEqual({});
    const open = fake.succeeded("views.open").find((c) => c.params.trigger_id === trigger);
    expect(open).toBeDefined();
    const view = open?.response?.view as { id: string; private_metadata: string };

    const submitted = await socket.send(
      "interactive",
      viewSubmission({
        viewId: view.id,
        user: "U0APPL1",
        metadata: view.private_metadata,
        values: { "q:why": ANSWER, note: NOTE },
      }),
    );
    expect(submitted.payload?.response_action).toBe("update");
    expect(JSON.stringify(submitted.payload?.view)).toContain("Your request to join Makers was received");
    const requestId = Requests.requestIdFor(communityOf(CONFIG), view.id);
    expect((await Requests.get(server.runtime.core, requestId))?.status).toBe("pending");

    const card = await fake.waitFor(
      (calls) =>
        calls.find((c) => c.method === "chat.postMessage" && c.ok && c.params.channel === "C0REVIEW"),
      { what: "the card" },
    );
    const cardText = JSON.stringify(card.params.blocks);
    expect(cardText).toContain(ANSWER.slice(0, 20));
    expect(cardText).toContain("gk_approve");

    const clicked = await socket.send(
      "interactive",
      buttonClick({
        actionId: "gk_approve",
        value: requestId,
        user: "U0MOD1",
        messageTs: String(card.response?.ts),
      }),
    );
    expect(clicked.envelope_id).toBeTruthy();
    await fake.waitFor((calls) => calls.find((c) => c.method === "conversations.invite" && c.ok), {
      what: "the invite",
    });
    await fake.waitFor((calls) => calls.find((c) => c.method === "chat.update" && c.ok), {
      what: "the card update",
    });
    expect((await Requests.get(server.runtime.core, requestId))?.status).toBe("approved");
  });

  it("reconnects when Slack asks it to move, and keeps answering", async () => {
    const before = socket.connections;
    socket.disconnect();
    await socket.waitForConnections(before + 1);
    expect(fake.succeeded("apps.connections.open").length).toBeGreaterThanOrEqual(2);
    const ack = await socket.send("slash_commands", slashCommand({ user: "U0OTHER", text: "help" }));
    expect(String(ack.payload?.text)).toContain("/apply");
  });

  it("logs ids, never the answers, the note, the email or the name; every line names the platform", () => {
    const text = logs.join("\n");
    expect(logs.length).toBeGreaterThan(5);
    for (const secret of [ANSWER, "Zanzibar", NOTE, "Quokka", EMAIL, "Quillfeather"]) {
      expect(text, secret).not.toContain(secret);
    }
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const submitted = lines.find((l) => l.message === "slack form submitted");
    expect(submitted).toMatchObject({
      platform: "slack",
      interaction: "view_submission",
      community: "makers",
    });
    expect(submitted?.requestId).toMatch(/^r[0-9a-f]{20}$/);
  });

  it("refuses to start with an app token Slack rejects, saying which variable to check", async () => {
    const started = startServer({
      settings: settingsFromEnv({
        DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"),
        TABLE_NAME: await testTableName("gk-socket"),
        SLACK_APP_TOKEN: "xapp-1-revoked",
        SLACK_BOT_TOKEN: fake.token,
        SLACK_API_URL: fake.apiUrl,
      }),
      config: CONFIG,
      port: 0,
      host: "127.0.0.1",
      log: createLogger("error", () => {}),
      sweepIntervalMs: false,
    });
    await expect(started).rejects.toThrow(PlatformConnectError);
    await expect(started).rejects.toThrow(
      /Socket Mode could not connect \(invalid_auth\): check SLACK_APP_TOKEN/,
    );
  });

  it("records the answer times and the request as metrics", () => {
    server.runtime.metrics.flush();
    const blob = emf.join("\n");
    expect(blob).toContain('"AnswerTime"');
    expect(blob).toContain('"RequestsSubmitted"');
  });
});
