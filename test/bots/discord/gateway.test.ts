import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { transportSummary } from "../../../cli/main.js";
import { type LocalServer, PlatformConnectError, startServer } from "../../../cli/server.js";
import { parseConfig } from "../../../core/config/load.js";
import { createLogger } from "../../../core/log.js";
import { createMetrics } from "../../../core/metrics.js";
import * as Outbox from "../../../core/outbox.js";
import * as Requests from "../../../core/requests.js";
import { settingsFromEnv } from "../../../core/settings.js";
import {
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  testMember,
} from "../../support/discord-interactions.js";
import { testTableName } from "../../support/dynamo.js";
import { type FakeDiscord, startFakeDiscord } from "../../support/fake-discord.js";
import { type FakeGateway, startFakeGateway } from "../../support/fake-gateway.js";
import { slowStore } from "../../support/slow-store.js";

/**
 * Discord over the Gateway, end to end: the local server started with a bot token and
 * `DISCORD_TRANSPORT=gateway` (no public key, no application id), the real `@discordjs/ws` client
 * connecting to a fake Gateway that the fake REST's `GET /gateway/bot` points to, interactions
 * dispatched as `INTERACTION_CREATE`, the answers arriving at the fake REST's
 * `POST /interactions/{id}/{token}/callback`, and the outbox worker posting the card as usual.
 */
const APPLICATION_ID = "900000000000000077";
const GUILD = "100000000000000001";
const REVIEW = "100000000000000002";
const MOD = "100000000000000003";
const ROLE = "100000000000000005";

const CONFIG = parseConfig(
  `
communities:
  - id: makers
    name: Makers Guild
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: ["${MOD}"] }
    grant: { roles: ["${ROLE}"] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
`,
  "gateway.yaml",
);

/** Distinctive text that must reach the card and never the logs. */
const ANSWER = "Xylophone-carpentry-4417 and dovetails";
const NOTE = "Wombat-note-9902 hello moderators";
const NAME = "Philippa Brightwater";

let fake: FakeDiscord;
let gateway: FakeGateway;
let server: LocalServer;
const logs: string[] = [];
const emf: string[] = [];

const applicant = testMember({ global_name: NAME });
const moderator = testMember({ id: MOD, username: "mod", global_name: "Moderator" });
const base = (member: ReturnType<typeof testMember>) => ({
  guild: GUILD,
  member,
  applicationId: APPLICATION_ID,
});

beforeAll(async () => {
  fake = await startFakeDiscord({ applicationId: APPLICATION_ID });
  gateway = await startFakeGateway({ token: fake.token, applicationId: APPLICATION_ID });
  fake.gatewayUrl = gateway.url;
  server = await startServer({
    settings: settingsFromEnv({
      DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"),
      TABLE_NAME: await testTableName("gk-gateway"),
      DISCORD_BOT_TOKEN: fake.token,
      DISCORD_TRANSPORT: "gateway",
      DISCORD_API_URL: fake.apiUrl,
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
  console.info(`Gateway interaction → callback times: ${timings.join(", ")}`);
  await server?.close();
  await gateway?.close();
  await fake?.close();
});

/** Dispatches an interaction over the Gateway; resolves with the answer the bot posted back. */
const timings: string[] = [];

/**
 * Dispatches an interaction over the Gateway; resolves with the answer the bot posted back. The
 * time from dispatch to callback is printed, not asserted (speed lives in the benchmark).
 */
async function interact(payload: { id: string; token: string; type: number }) {
  const started = performance.now();
  gateway.dispatch("INTERACTION_CREATE", payload);
  const answer = (await fake.callbackOf(payload.id)) as { type: number; data?: Record<string, unknown> };
  timings.push(`type ${payload.type}: ${Math.round(performance.now() - started)} ms`);
  return { answer };
}

describe("Discord over the Gateway", () => {
  it("identifies with intents 0 and the bot token, and serves no interactions endpoint", async () => {
    expect(server.transports.discord).toBe("gateway");
    expect(transportSummary(server.transports).discord).toBe("on (Gateway)");
    const identify = await gateway.waitFor(2);
    expect(identify.d).toMatchObject({ token: fake.token, intents: 0, shard: [0, 1] });
    const res = await fetch(`${server.url}/discord/interactions`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
  });

  it("answers /apply with the modal, records the submission, posts the card, and takes the Approve click", async () => {
    const opened = await interact(
      commandInteraction({ ...base(applicant), name: "apply", options: { community: "makers" } }),
    );
    expect(opened.answer.type).toBe(9);
    const modal = opened.answer.data as { custom_id: string };

    const submitted = await interact(
      modalSubmitInteraction({
        ...base(applicant),
        customId: modal.custom_id,
        values: { "q:why": ANSWER, note: NOTE },
      }),
    );
    expect(submitted.answer.type).toBe(4);
    expect(JSON.stringify(submitted.answer.data)).toContain("received");

    const [found] = await Requests.listForApplicant(server.runtime.core, "discord", GUILD, applicant.user.id);
    const request = found?.request;
    expect(request?.status).toBe("pending");
    const card = await waitUntil(
      async () => (await Requests.get(server.runtime.core, request?.id ?? ""))?.card,
    );
    const posted = fake.messages.get(card.id);
    expect(JSON.stringify(posted?.embeds)).toContain(ANSWER);

    const approve = ((posted?.components ?? []) as { components: { custom_id: string }[] }[])
      .flatMap((row) => row.components)
      .find((c) => c.custom_id.includes("approve"));
    expect(approve).toBeDefined();
    const clicked = await interact(
      buttonInteraction({
        ...base(moderator),
        customId: approve?.custom_id ?? "",
        message: { id: card.id, channel_id: card.channel },
      }),
    );
    expect(clicked.answer.type).toBe(6);
    await waitUntil(() => fake.roles.has(`${GUILD}/${applicant.user.id}/${ROLE}`));
    await waitUntil(async () => {
      const entries = await Outbox.entriesOf(server.runtime.core, request?.id ?? "");
      return entries.every((e) => e.status === "done");
    });
    expect((await Requests.get(server.runtime.core, request?.id ?? ""))?.status).toBe("approved");
  });

  it("resumes the session when Discord asks it to reconnect, and keeps answering", async () => {
    const from = gateway.received.length;
    const before = gateway.connections;
    gateway.requestReconnect();
    const resume = await gateway.waitFor(6, { from });
    expect(resume.d).toMatchObject({ token: fake.token, session_id: gateway.sessionId });
    expect(gateway.connections).toBe(before + 1);
    expect(gateway.received.slice(from).some((f) => f.op === 2)).toBe(false);
    const status = await interact(commandInteraction({ ...base(applicant), name: "apply-status" }));
    expect(status.answer.type).toBe(4);
    expect(JSON.stringify(status.answer.data)).toContain("Makers Guild");
  });

  it("defers an answer the table makes late (5, ephemeral) and edits it in through the webhook", async () => {
    const slow = slowStore(server.runtime.core.store);
    slow.on(["GetItem", "Query"], 3_500);
    const payload = commandInteraction({ ...base(applicant), name: "apply-status" });
    const started = performance.now();
    let status: Awaited<ReturnType<typeof interact>>;
    try {
      status = await interact(payload);
    } finally {
      slow.off();
    }
    expect(status.answer).toEqual({ type: 5, data: { flags: 64 } });
    expect(performance.now() - started).toBeLessThan(3_000);
    const edit = await waitUntil(() => fake.interactionEdits.find((e) => e.token === payload.token));
    expect(edit.content).toContain("Makers Guild");
    expect(edit.allowed_mentions).toEqual({ parse: [] });
  });

  it("refuses to start with a bot token Discord rejects, saying which variable to check", async () => {
    const started = startServer({
      settings: settingsFromEnv({
        DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"),
        TABLE_NAME: await testTableName("gk-gateway"),
        DISCORD_BOT_TOKEN: "revoked-token",
        DISCORD_TRANSPORT: "gateway",
        DISCORD_API_URL: fake.apiUrl,
      }),
      config: CONFIG,
      port: 0,
      host: "127.0.0.1",
      log: createLogger("error", () => {}),
      sweepIntervalMs: false,
    });
    await expect(started).rejects.toThrow(PlatformConnectError);
    await expect(started).rejects.toThrow(
      /Discord Gateway could not connect \(.*401.*\): check DISCORD_BOT_TOKEN/,
    );
  });

  it("logs ids, never the answers, the note or the name; lines carry the platform and interaction kind", () => {
    const text = logs.join("\n");
    for (const secret of [ANSWER, "Xylophone", NOTE, "Wombat", NAME, "Brightwater"]) {
      expect(text, secret).not.toContain(secret);
    }
    const answered = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.message === "discord interaction answered");
    expect(answered.map((l) => l.interaction)).toEqual(
      expect.arrayContaining(["command", "modal_submit", "component"]),
    );
    expect(answered.find((l) => l.interaction === "modal_submit")).toMatchObject({
      platform: "discord",
      community: "makers",
    });
    server.runtime.metrics.flush();
    expect(emf.join("\n")).toContain('"AnswerTime"');
    expect(emf.join("\n")).toContain('"Decisions"');
  });
});

async function waitUntil<T>(check: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
