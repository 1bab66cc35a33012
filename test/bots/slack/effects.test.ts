import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlackEffects } from "../../../bots/slack/effects.js";
import type { Community } from "../../../core/config/schema.js";
import { type EffectState, PermanentEffectError, RetryableEffectError } from "../../../core/effects.js";
import { silentLogger } from "../../../core/log.js";
import * as Outbox from "../../../core/outbox.js";
import * as Requests from "../../../core/requests.js";
import type { SlackSettings } from "../../../core/settings.js";
import {
  communityOf,
  configOf,
  createTestCore,
  decideAs,
  slackCommunity,
  slackProfile,
} from "../../support/core.js";
import { type FakeSlack, startFakeSlack } from "../../support/fake-slack.js";
import { liveSyntax, textsOf } from "../../support/slack-inspect.js";

/**
 * The Slack effects through the real Web API client against the fake Slack, and through the
 * real outbox on DynamoDB Local: what is called, and how Slack's failures are classified.
 */

let fake: FakeSlack;
let settings: SlackSettings;

beforeAll(async () => {
  fake = await startFakeSlack();
  settings = { signingSecret: "secret", botToken: fake.token, apiUrl: fake.apiUrl };
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const config = configOf(slackCommunity({ grant: { channels: ["C0MEMBERS", "C0EXTRA"] }, capacity: 5 }));
const community: Community = communityOf(config);

async function recorded(userId = "U0APPL1") {
  const core = await createTestCore(config);
  const outcome = await Requests.submit(core, {
    community,
    submissionKey: `V-${userId}`,
    applicant: { userId, name: `Name ${userId}` },
    answers: { why: "Because" },
    profile: slackProfile(userId),
  });
  if (outcome.kind !== "recorded") throw new Error(outcome.kind);
  const state: EffectState = {
    request: outcome.request,
    community,
    seats: { used: 0, capacity: 5 },
    waitlistPosition: undefined,
  };
  return { core, request: outcome.request, state };
}

const effects = () => createSlackEffects(settings, silentLogger);

describe("Slack effects", () => {
  it("posts the card to the review channel and returns where it landed", async () => {
    const { state } = await recorded();
    const ref = await effects().postCard(state);
    const [call] = fake.callsTo("chat.postMessage");
    expect(call?.params.channel).toBe("C0REVIEW");
    expect(call?.token).toBe(fake.token);
    expect(ref).toEqual({ channel: "C0REVIEW", id: fake.messages.get(ref.id)?.ts });
    expect(textsOf(call?.params ?? {}).mrkdwn.flatMap((t) => liveSyntax(t, ["U0APPL1"]))).toEqual([]);
  });

  it("updates the card in place, DMs the applicant, invites to every channel and threads reminders", async () => {
    const { state } = await recorded();
    const e = effects();
    const card = await e.postCard(state);
    const decided = { ...state, request: { ...state.request, status: "approved" as const, card } };
    await e.updateCard(decided, card);
    await e.notify(decided, "approved");
    await e.grant(decided);
    await e.remind({ ...state, request: { ...state.request, card } });
    expect(fake.calls.map((c) => c.method)).toEqual([
      "chat.postMessage",
      "chat.update",
      "chat.postMessage",
      "conversations.invite",
      "conversations.invite",
      "chat.postMessage",
    ]);
    expect(fake.calls[1]?.params).toMatchObject({ channel: "C0REVIEW", ts: card.id });
    expect(fake.calls[2]?.params).toMatchObject({ channel: "U0APPL1" });
    expect(fake.calls.slice(3, 5).map((c) => [c.params.channel, c.params.users])).toEqual([
      ["C0MEMBERS", "U0APPL1"],
      ["C0EXTRA", "U0APPL1"],
    ]);
    expect(fake.calls[5]?.params).toMatchObject({ channel: "C0REVIEW", thread_ts: card.id });
    expect(String(fake.calls[5]?.params.text)).toContain("<@U0MOD1> <@U0MOD2>");
  });

  it("treats already_in_channel as granted", async () => {
    const { state } = await recorded();
    fake.members.set("C0MEMBERS", new Set(["U0APPL1"]));
    await expect(effects().grant(state)).resolves.toBeUndefined();
    expect(fake.callsTo("conversations.invite").map((c) => c.error ?? "ok")).toEqual([
      "already_in_channel",
      "ok",
    ]);
  });

  it("maps 429 to a retryable error carrying Retry-After in ms, and 5xx and network failures to retryable", async () => {
    const { state } = await recorded();
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 7 });
    const limited = await effects()
      .postCard(state)
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RetryableEffectError);
    expect((limited as RetryableEffectError).retryAfterMs).toBe(7000);

    fake.failNext("chat.postMessage", { status: 500 });
    await expect(effects().postCard(state)).rejects.toBeInstanceOf(RetryableEffectError);

    fake.failNext("chat.postMessage", { error: "ratelimited" });
    await expect(effects().postCard(state)).rejects.toBeInstanceOf(RetryableEffectError);

    const offline = createSlackEffects({ ...settings, apiUrl: "http://127.0.0.1:9/api/" }, silentLogger);
    await expect(offline.notify(state, "approved")).rejects.toBeInstanceOf(RetryableEffectError);
    // One attempt each: the client never retries on its own.
    expect(fake.callsTo("chat.postMessage")).toHaveLength(3);
  });

  it("maps Slack's permanent errors to moderator-readable issues", async () => {
    const { state } = await recorded();
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        "cannot_dm_bot",
        () => effects().notify(state, "approved"),
        "Could not message the applicant: the applicant is a bot account.",
      ],
      [
        "user_not_found",
        () => effects().notify(state, "approved"),
        "Could not message the applicant: the applicant's account no longer exists.",
      ],
      [
        "channel_not_found",
        () => effects().postCard(state),
        "Could not post the card: channel C0REVIEW does not exist or the bot cannot see it.",
      ],
      ["not_in_channel", () => effects().postCard(state), "the bot is not a member of channel C0REVIEW"],
      [
        "is_archived",
        () => effects().remind(state),
        "Could not post the reminder: channel C0REVIEW is archived.",
      ],
    ];
    for (const [code, run, issue] of cases) {
      fake.failNext("chat.postMessage", { error: code });
      const error = await run().catch((e: unknown) => e);
      expect(error, code).toBeInstanceOf(PermanentEffectError);
      expect((error as PermanentEffectError).issue, code).toContain(issue);
    }
    fake.failNext("conversations.invite", { error: "missing_scope", extra: { needed: "groups:write" } });
    fake.failNext("conversations.invite", { error: "is_archived" });
    const grant = await effects()
      .grant(state)
      .catch((e: unknown) => e);
    expect(grant).toBeInstanceOf(PermanentEffectError);
    expect((grant as PermanentEffectError).issue).toBe(
      "Could not add the applicant to channel C0MEMBERS: the app is missing the groups:write scope; reinstall it from the manifest. " +
        "Could not add the applicant to channel C0EXTRA: channel C0EXTRA is archived.",
    );
  });
});

describe("Slack effects after an unknown outcome", () => {
  it("look for the earlier message by its metadata; without the history scope they send again", async () => {
    const { state } = await recorded("U0APPL9");
    const ctx = { key: "k-unknown-1", deadline: Date.now() + 60_000 };
    fake.failNext("chat.postMessage", { accept: "reset" });
    await expect(effects().postCard(state, ctx)).rejects.toMatchObject({ reason: "unknown-outcome" });
    const sent = fake.callsTo("chat.postMessage")[0];
    expect(sent?.params.metadata).toEqual({
      event_type: "gatekeeper_effect",
      event_payload: { effect: "k-unknown-1" },
    });
    const ref = await effects().postCard(state, {
      ...ctx,
      unknownSince: new Date(sent?.at ?? 0).toISOString(),
    });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
    expect(ref).toEqual({ channel: "C0REVIEW", id: sent?.response?.ts });

    // An app installed before the history scopes: it cannot look, so it sends (once more).
    fake.failNext("conversations.history", { error: "missing_scope", extra: { needed: "groups:history" } });
    await effects().postCard(state, { ...ctx, key: "k-unknown-2", unknownSince: new Date().toISOString() });
    expect(fake.succeeded("chat.postMessage")).toHaveLength(2);
  });

  it("do not start a call that could outlast the delivery's deadline", async () => {
    const { state } = await recorded("U0APPLA");
    await expect(effects().postCard(state, { key: "k", deadline: Date.now() + 5_000 })).rejects.toMatchObject(
      {
        reason: "out-of-time",
      },
    );
    expect(fake.calls).toEqual([]);
  });
});

describe("Slack effects in the outbox", () => {
  it("retries a 500 and a 429 with Retry-After and posts the card exactly once", async () => {
    const { core, request } = await recorded();
    fake.failNext("chat.postMessage", { status: 500 });
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    const started = Date.now();
    const result = await Outbox.run(core, { slack: effects() }, { requestId: request.id, name: "card.post" });
    expect(result).toBe("done");
    const posts = fake.callsTo("chat.postMessage");
    expect(posts.map((c) => c.status)).toEqual([500, 429, 200]);
    expect(fake.succeeded("chat.postMessage")).toHaveLength(1);
    // The 429's Retry-After (1 s) was honoured before the third attempt.
    expect((posts[2]?.at ?? 0) - (posts[1]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await Requests.get(core, request.id))?.card).toEqual({
      channel: "C0REVIEW",
      id: posts[2]?.response?.ts,
    });
    // Delivered again by the stream or the sweeper: nothing more happens.
    expect(await Outbox.run(core, { slack: effects() }, { requestId: request.id, name: "card.post" })).toBe(
      "skipped",
    );
    expect(fake.callsTo("chat.postMessage")).toHaveLength(3);
  });

  it("leaves a long Retry-After to a later retry instead of blocking the worker", async () => {
    const { core, request } = await recorded();
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 120 });
    expect(await Outbox.run(core, { slack: effects() }, { requestId: request.id, name: "card.post" })).toBe(
      "retry",
    );
    const entry = (await Outbox.entriesOf(core, request.id)).find((e) => e.name === "card.post");
    expect(entry?.status).toBe("retry");
    expect(Date.parse(entry?.dueAt ?? "") - Date.now()).toBeGreaterThan(100_000);
  });

  it("records a permanent failure on the request and shows it on the card", async () => {
    const { core, request } = await recorded();
    const performers = { slack: effects() };
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "card.post" })).toBe("done");
    const decided = await decideAs(
      core,
      { kind: "user", id: "U0MOD1" },
      {
        requestId: request.id,
        outcome: "deny",
        reason: "no",
      },
    );
    expect(decided.kind).toBe("decided");
    fake.failNext("chat.postMessage", { error: "cannot_dm_bot" });
    expect(await Outbox.run(core, performers, { requestId: request.id, name: "notice.denied" })).toBe(
      "failed",
    );
    const after = await Requests.get(core, request.id);
    expect(after?.issues).toEqual(["Could not message the applicant: the applicant is a bot account."]);
    for (const entry of await Outbox.entriesOf(core, request.id)) {
      if (entry.status === "pending") await Outbox.run(core, performers, entry);
    }
    const updates = fake.succeeded("chat.update");
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(updates.at(-1)?.params.blocks)).toContain("the applicant is a bot account");
  });

  it("under the fake's rate limit, a second card in the same window waits for the next one", async () => {
    // A minute-long window, so the test does not depend on how fast this machine is.
    const limited = await startFakeSlack({ rateLimit: { messagesPerChannel: 1, windowMs: 60_000 } });
    try {
      const slow = createSlackEffects(
        { ...settings, apiUrl: limited.apiUrl, botToken: limited.token },
        silentLogger,
      );
      const { state } = await recorded("U0RATE1");
      await slow.postCard(state);
      const error = await slow.postCard(state).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryableEffectError);
      const wait = (error as RetryableEffectError).retryAfterMs ?? 0;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_000);
      // Another channel has its own bucket.
      await slow.postCard({ ...state, community: { ...community, reviewChannel: "C0OTHER" } });
      expect(limited.rateLimited).toBe(1);
      expect(limited.callsTo("chat.postMessage").map((c) => c.status)).toEqual([200, 429, 200]);
    } finally {
      await limited.close();
    }
  });
});
