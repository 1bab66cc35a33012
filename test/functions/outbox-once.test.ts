import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import * as Capacity from "../../core/capacity.js";
import { parseConfig } from "../../core/config/load.js";
import type { Core } from "../../core/context.js";
import { keys } from "../../core/model.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { sweep } from "../../core/sweep.js";
import { APPLICATION_ID, type DiscordHarness, startDiscordHarness } from "../support/discord-harness.js";
import {
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  type TestMember,
  testMember,
} from "../support/discord-interactions.js";
import type { RecordedCall } from "../support/fake-discord.js";
import type { SlackCall } from "../support/fake-slack.js";
import { eventually } from "../support/recording-effects.js";
import { type SlackBot, startSlackBot } from "../support/slack-bot.js";

/**
 * Exactly once at the edges (issue 9, item 1): a call whose outcome is unknown (the platform did
 * the work but the answer was lost or came after the client's timeout), a worker that loses its
 * lease mid-call, a request whose entries do not fit in the worker's time limit, and a grant
 * retried after the applicant gave up their seat. Driven through the local server, with the real
 * clients talking to the fake Slack and Discord APIs.
 */

const SLACK = parseConfig(
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
      - { id: why, label: Why?, maxLength: 200 }
  - id: wide
    name: Wide
    platform: slack
    workspace: T0TEST
    reviewChannel: C0WIDEREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0W1, C0W2, C0W3, C0W4, C0W5] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
`,
  "once.yaml",
);

let slack: SlackBot | undefined;
let discord: DiscordHarness | undefined;
afterEach(async () => {
  await slack?.close();
  await discord?.close();
  slack = undefined;
  discord = undefined;
});

/** Waits until every outbox entry of the request is settled (nothing pending, running or due). */
async function settled(core: Core, requestId: string, timeoutMs = 45_000) {
  return eventually(async () => {
    const entries = await Outbox.entriesOf(core, requestId);
    const open = entries.filter((e) => !["done", "failed", "dead"].includes(e.status));
    if (open.length > 0) throw new Error(`not settled: ${open.map((e) => `${e.name}=${e.status}`)}`);
    return entries;
  }, timeoutMs);
}

async function cardOf(core: Core, requestId: string, timeoutMs = 45_000) {
  return eventually(async () => {
    const card = (await Requests.get(core, requestId))?.card;
    if (!card) throw new Error("no card yet");
    return card;
  }, timeoutMs);
}

/** A Slack call as one line: method, channel, and what became of it. */
const slackLine = (c: SlackCall) =>
  `${c.method}(${String(c.params.channel ?? c.params.users ?? "")})${c.unanswered ? " → no answer" : ` → ${c.status}${c.error ? ` ${c.error}` : ""}`}`;
const discordLine = (c: RecordedCall) =>
  `${c.method} ${c.route}${(c.body as { nonce?: string } | undefined)?.nonce ? ` nonce=${(c.body as { nonce: string }).nonce}` : ""}${c.unanswered ? " → no answer" : ` → ${c.status}`}`;

describe("Slack: an unknown outcome is looked up, never sent twice", () => {
  it("finds a card Slack posted but never answered for, and keeps updating that card", async () => {
    slack = await startSlackBot(SLACK);
    const b = slack;
    const core = b.server.runtime.core;
    b.fake.failNext("chat.postMessage", { accept: "hang" });
    const { requestId } = await b.apply("U0APPL1", "makers", { "q:why": "Slack is slow today" });
    const card = await cardOf(core, requestId);
    await settled(core, requestId);

    const posted = b.fake.messagesIn("C0REVIEW");
    expect(posted).toHaveLength(1);
    expect(card).toEqual({ channel: "C0REVIEW", id: posted[0]?.ts });
    expect(posted[0]?.metadata).toEqual({
      event_type: "gatekeeper_effect",
      event_payload: { effect: expect.stringMatching(/^[0-9a-z]{8,25}$/) },
    });
    const sequence = b.fake.calls
      .filter((c) => c.method.startsWith("chat.") || c.method.startsWith("conversations."))
      .map(slackLine);
    console.info(`Slack, one card post with an unknown outcome: ${sequence.join(" ; ")}`);
    expect(sequence).toEqual([
      "chat.postMessage(C0REVIEW) → no answer",
      "conversations.history(C0REVIEW) → 200",
    ]);
    const lookup = b.fake.callsTo("conversations.history")[0];
    expect(lookup?.params).toMatchObject({ channel: "C0REVIEW", include_all_metadata: "true" });
    expect(Number(lookup?.params.oldest)).toBeLessThanOrEqual(Number(posted[0]?.ts));

    // The card that Slack holds is the one the bot keeps updating: no orphan.
    await b.click("approve", { action: "gk_approve", requestId, user: "U0MOD1" });
    await settled(core, requestId);
    expect(b.fake.succeeded("chat.update").map((c) => c.params.ts)).toEqual([posted[0]?.ts]);
    expect(b.fake.messagesIn("C0REVIEW")).toHaveLength(1);
  });

  it("finds a DM whose connection was reset after Slack took it, and sends no second one", async () => {
    slack = await startSlackBot(SLACK);
    const b = slack;
    const core = b.server.runtime.core;
    const { requestId } = await b.apply("U0APPL2", "makers", { "q:why": "Reset" });
    await cardOf(core, requestId);
    await settled(core, requestId);
    b.fake.failNext("chat.postMessage", { accept: "reset" });
    await b.click("approve", { action: "gk_approve", requestId, user: "U0MOD1" });
    await settled(core, requestId);
    expect(b.fake.messagesIn("D0APPL2").map((m) => m.text)).toEqual([
      "Good news: your request to join Makers was approved. Welcome!",
    ]);
    const dmCalls = b.fake.calls
      .filter((c) => c.method !== "chat.update" && c.method !== "conversations.invite")
      .filter((c) => c.method.startsWith("chat.") || c.method.startsWith("conversations."))
      .slice(1) // the card
      .map(slackLine);
    expect(dmCalls).toEqual([
      "chat.postMessage(U0APPL2) → no answer",
      "conversations.open(U0APPL2) → 200",
      "conversations.history(D0APPL2) → 200",
    ]);
  });

  it("stops when it loses its lease mid-call: the DM is not sent again, and the next claim finds it", async () => {
    slack = await startSlackBot(SLACK);
    const b = slack;
    const core = b.server.runtime.core;
    const { requestId } = await b.apply("U0APPL3", "makers", { "q:why": "Lease" });
    await cardOf(core, requestId);
    await settled(core, requestId);
    b.fake.failNext("chat.postMessage", { delayMs: 1500 });
    await b.click("approve", { action: "gk_approve", requestId, user: "U0MOD1" });
    await b.fake.waitFor(
      () => b.fake.inFlight().find((c) => c.method === "chat.postMessage" && c.params.channel === "U0APPL3"),
      { what: "the DM in flight" },
    );
    // Meanwhile another worker takes the entry over (what a lapsed lease or a sweep would do).
    await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.effect(requestId, "notice.approved"),
        UpdateExpression: "ADD attempts :one",
        ExpressionAttributeValues: { ":one": 1 },
      }),
    );
    await b.fake.waitFor(() => b.fake.inFlight().length === 0, { what: "the DM answered" });
    await new Promise((r) => setTimeout(r, 2_000)); // a re-run would show up now
    expect(b.fake.messagesIn("D0APPL3")).toHaveLength(1);

    // The entry's lease lapses; the sweeper's claim finds the DM and does not send it again.
    await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.effect(requestId, "notice.approved"),
        UpdateExpression: "SET leaseUntil = :past, gsi1sk = :due",
        ExpressionAttributeValues: {
          ":past": "2000-01-01T00:00:00.000Z",
          ":due": `2000-01-01T00:00:00.000Z#${requestId}#notice.approved`,
        },
      }),
    );
    await sweep(core, b.server.runtime.performers);
    await settled(core, requestId);
    expect(b.fake.messagesIn("D0APPL3")).toHaveLength(1);
    const entry = (await Outbox.entriesOf(core, requestId)).find((e) => e.name === "notice.approved");
    expect(entry?.status).toBe("done");
  });

  it("never runs past the worker's time limit: what does not fit goes back to the table, then runs once", async () => {
    slack = await startSlackBot(SLACK);
    const b = slack;
    const core = b.server.runtime.core;
    const { requestId } = await b.apply("U0APPL4", "wide", { "q:why": "Five channels" });
    await cardOf(core, requestId);
    await settled(core, requestId);
    // Every invite takes 7 s: the grant alone (5 channels) would need 35 s, past the 30 s limit.
    b.fake.failNext("conversations.invite", { delayMs: 7_000 }, 5);
    await b.click("approve", { action: "gk_approve", requestId, user: "U0MOD1", channel: "C0WIDEREV" });
    const first = await b.fake.waitFor((calls) => calls.find((c) => c.method === "conversations.invite"), {
      what: "the first invite",
    });
    // Past the worker's limit (30 s from about the first call), nothing is still running.
    await new Promise((r) => setTimeout(r, Math.max(0, first.at + 29_500 - Date.now())));
    expect(b.fake.inFlight().map(slackLine)).toEqual([]);
    const running = (await Outbox.entriesOf(core, requestId)).filter((e) => e.status === "running");
    expect(running.map((e) => e.name)).toEqual([]);

    // The sweeper picks up the rest; each effect lands once.
    b.fake.clearFailures();
    await sweep(core, b.server.runtime.performers);
    await settled(core, requestId);
    for (const channel of ["C0W1", "C0W2", "C0W3", "C0W4", "C0W5"])
      expect([...(b.fake.members.get(channel) ?? [])], channel).toEqual(["U0APPL4"]);
    expect(b.fake.messagesIn("D0APPL4")).toHaveLength(1);
    expect(b.fake.succeeded("chat.update")).toHaveLength(1);
  }, 90_000);

  it("re-checks the seat before a retried grant: an applicant who gave it up is not invited", async () => {
    slack = await startSlackBot(SLACK);
    const b = slack;
    const core = b.server.runtime.core;
    const { requestId } = await b.apply("U0APPL5", "makers", { "q:why": "Seat" });
    await cardOf(core, requestId);
    await settled(core, requestId);
    b.fake.failNext("conversations.invite", { status: 429, retryAfter: 300 });
    await b.click("approve", { action: "gk_approve", requestId, user: "U0MOD1" });
    await eventually(async () => {
      const grant = (await Outbox.entriesOf(core, requestId)).find((e) => e.name === "grant");
      if (grant?.status !== "retry") throw new Error(`grant is ${grant?.status}`);
    });
    // The seat is given up before the retry (what `gatekeeper release` or leaving does).
    expect((await Capacity.leave(core, b.community("makers"), "U0APPL5")).left).toBe(true);
    await core.store.doc.send(
      new UpdateCommand({
        TableName: core.store.table,
        Key: keys.effect(requestId, "grant"),
        UpdateExpression: "SET dueAt = :past, gsi1sk = :due",
        ExpressionAttributeValues: {
          ":past": "2000-01-01T00:00:00.000Z",
          ":due": `2000-01-01T00:00:00.000Z#${requestId}#grant`,
        },
      }),
    );
    await sweep(core, b.server.runtime.performers);
    await settled(core, requestId);
    expect(b.fake.succeeded("conversations.invite")).toEqual([]);
    expect(b.fake.members.get("C0MEMBERS")?.has("U0APPL5") ?? false).toBe(false);
  });
});

const GUILD = "400000000000000001";
const REVIEW = "400000000000000002";
const MOD = "400000000000000003";
const ROLE = "400000000000000005";
const DISCORD = `
communities:
  - id: guild
    name: Guild
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: ["${MOD}"] }
    grant: { roles: ["${ROLE}"] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
`;

async function discordApply(h: DiscordHarness, member: TestMember) {
  const base = { guild: GUILD, member, applicationId: APPLICATION_ID };
  const opened = await h.post("/apply", commandInteraction({ ...base, name: "apply" }));
  await h.post(
    "submit",
    modalSubmitInteraction({
      ...base,
      customId: opened.json.data?.custom_id ?? "",
      values: { "q:why": "Hi" },
    }),
  );
  const [entry] = await Requests.listForApplicant(h.server.runtime.core, "discord", GUILD, member.user.id);
  if (!entry) throw new Error("not recorded");
  return entry.request;
}

describe("Discord: an unknown outcome is re-sent with the same nonce, and Discord keeps one message", () => {
  it("posts one card when Discord answers after the client's timeout", async () => {
    discord = await startDiscordHarness(DISCORD);
    const h = discord;
    const core = h.server.runtime.core;
    h.fake.failNext("POST", new RegExp(`^/channels/${REVIEW}/messages$`), 1, {
      kind: "accept",
      answer: "late",
      afterMs: 12_000,
    });
    const applicant = testMember();
    const request = await discordApply(h, applicant);
    const card = await cardOf(core, request.id);
    await settled(core, request.id);
    const cards = [...h.fake.messages.values()].filter((m) => m.channel_id === REVIEW);
    expect(cards).toHaveLength(1);
    expect(card).toEqual({ channel: REVIEW, id: cards[0]?.id });
    const posts = h.fake.calls.filter(
      (c) => c.method === "POST" && c.path === `/channels/${REVIEW}/messages`,
    );
    const sequence = posts.map(discordLine);
    console.info(`Discord, one card post with an unknown outcome: ${sequence.join(" ; ")}`);
    expect(posts).toHaveLength(2);
    const nonces = posts.map((c) => c.body as { nonce?: unknown; enforce_nonce?: unknown });
    expect(nonces[0]?.nonce).toMatch(/^[0-9a-z]{8,25}$/);
    expect(nonces[1]).toMatchObject({ nonce: nonces[0]?.nonce, enforce_nonce: true });
    expect(posts.map((c) => [c.unanswered ?? false, c.status])).toEqual([
      [true, 200],
      [false, 200],
    ]);

    // Approve: the one card is the one edited.
    await h.post(
      "approve",
      buttonInteraction({
        guild: GUILD,
        member: testMember({ id: MOD }),
        applicationId: APPLICATION_ID,
        customId: `gk:approve:${request.id}`,
        message: { id: card.id, channel_id: card.channel },
      }),
    );
    await settled(core, request.id);
    expect(h.fake.messages.get(card.id)?.edits).toBe(1);
  });

  it("sends one DM when the connection drops after Discord took it", async () => {
    discord = await startDiscordHarness(DISCORD);
    const h = discord;
    const core = h.server.runtime.core;
    const applicant = testMember();
    const request = await discordApply(h, applicant);
    const card = await cardOf(core, request.id);
    await settled(core, request.id);
    const dm = h.fake.dmChannelOf(applicant.user.id);
    h.fake.failNext("POST", new RegExp(`^/channels/${dm}/messages$`), 1, { kind: "accept", answer: "reset" });
    await h.post(
      "approve",
      buttonInteraction({
        guild: GUILD,
        member: testMember({ id: MOD }),
        applicationId: APPLICATION_ID,
        customId: `gk:approve:${request.id}`,
        message: { id: card.id, channel_id: card.channel },
      }),
    );
    await settled(core, request.id);
    expect([...h.fake.messages.values()].filter((m) => m.channel_id === dm)).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.path === `/channels/${dm}/messages`).map(discordLine)).toHaveLength(
      2,
    );
  });
});
