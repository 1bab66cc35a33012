import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordEffects } from "../../../bots/discord/effects.js";
import { PermanentEffectError, type PlatformEffects, RetryableEffectError } from "../../../core/effects.js";
import { silentLogger } from "../../../core/log.js";
import { discordEffectState } from "../../support/discord-state.js";
import { type FakeDiscord, startFakeDiscord } from "../../support/fake-discord.js";

/** Each Discord effect against the fake: the exact REST calls, and the failures moderators see. */
const GUILD = "100000000000000001";
const REVIEW = "100000000000000002";
const APPLICANT = "80351110224678912";
let fake: FakeDiscord;
let effects: PlatformEffects;

beforeAll(async () => {
  fake = await startFakeDiscord();
  effects = createDiscordEffects(
    {
      apiUrl: fake.apiUrl,
      botToken: fake.token,
      applicationId: "900000000000000001",
      publicKey: "0".repeat(64),
    },
    silentLogger,
  );
});
afterAll(() => fake?.close());

const since = (mark: number) => fake.calls.slice(mark).map((c) => `${c.status} ${c.method} ${c.path}`);

async function permanent(run: () => Promise<unknown>): Promise<PermanentEffectError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof PermanentEffectError) return error;
    throw error;
  }
  throw new Error("expected a permanent failure");
}

describe("Discord effects", () => {
  it("posts the card to the review channel and returns where it landed", async () => {
    const mark = fake.calls.length;
    const ref = await effects.postCard(discordEffectState());
    expect(since(mark)).toEqual([`200 POST /channels/${REVIEW}/messages`]);
    expect(ref).toEqual({ channel: REVIEW, id: expect.stringMatching(/^\d+$/) });
    const body = fake.calls.at(-1)?.body as Record<string, unknown>;
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds).toHaveLength(2);
    expect(fake.messages.get(ref.id)?.components).toHaveLength(1);
  });

  it("sends every message with the entry's key as nonce, enforced: a repeat gets the first message", async () => {
    const ctx = { key: "abcdef0123456789abcdef012", deadline: Date.now() + 60_000 };
    fake.failNext("POST", new RegExp(`^/channels/${REVIEW}/messages$`), 1, {
      kind: "accept",
      answer: "reset",
    });
    await expect(effects.postCard(discordEffectState(), ctx)).rejects.toMatchObject({
      reason: "unknown-outcome",
    });
    const first = fake.calls.at(-1);
    expect(first?.body).toMatchObject({ nonce: ctx.key, enforce_nonce: true });
    const ref = await effects.postCard(discordEffectState(), {
      ...ctx,
      unknownSince: new Date().toISOString(),
    });
    const posted = [...fake.messages.values()].filter((m) => m.nonce === ctx.key);
    expect(posted).toHaveLength(1);
    expect(ref.id).toBe(posted[0]?.id);
  });

  it("does not start a call that could outlast the delivery's deadline", async () => {
    const mark = fake.calls.length;
    await expect(
      effects.notify(discordEffectState(), "approved", { key: "k", deadline: Date.now() + 5_000 }),
    ).rejects.toMatchObject({ reason: "out-of-time" });
    expect(since(mark)).toEqual([]);
  });

  it("edits the card in place, and reports a deleted card as a permanent problem", async () => {
    const state = discordEffectState();
    const ref = await effects.postCard(state);
    const mark = fake.calls.length;
    await effects.updateCard(
      discordEffectState({
        status: "denied",
        decision: {
          outcome: "denied",
          by: { kind: "user", id: "100000000000000003" },
          at: new Date().toISOString(),
        },
      }),
      ref,
    );
    expect(since(mark)).toEqual([`200 PATCH /channels/${REVIEW}/messages/${ref.id}`]);
    expect(fake.messages.get(ref.id)?.components).toEqual([]);
    const gone = await permanent(() =>
      effects.updateCard(state, { channel: REVIEW, id: "100000000000000999" }),
    );
    expect(gone.issue).toBe("The card message was deleted, so it cannot show updates");
  });

  it("DMs the applicant through a DM channel", async () => {
    const mark = fake.calls.length;
    await effects.notify(discordEffectState({ status: "approved" }), "approved");
    const dm = fake.dmChannelOf(APPLICANT);
    expect(since(mark)).toEqual(["200 POST /users/@me/channels", `200 POST /channels/${dm}/messages`]);
    expect(fake.calls.at(-2)?.body).toEqual({ recipient_id: APPLICANT });
    expect(fake.calls.at(-1)?.body).toEqual({
      content: "Good news: your request to join Makers Guild was approved. Welcome!",
      allowed_mentions: { parse: [] },
    });
  });

  it("reports closed DMs as a permanent problem to show on the card", async () => {
    const state = discordEffectState({ applicant: { userId: "100000000000000777", name: "Shy" } });
    fake.closeDms("100000000000000777");
    const error = await permanent(() => effects.notify(state, "denied"));
    expect(error.issue).toBe("Could not DM the applicant: their DMs are closed");
    expect(fake.calls.at(-1)?.status).toBe(403);
  });

  it("adds each configured role, with an audit-log reason", async () => {
    const mark = fake.calls.length;
    const state = discordEffectState({
      status: "approved",
      decision: {
        outcome: "approved",
        by: { kind: "user", id: "100000000000000003" },
        at: new Date().toISOString(),
      },
    });
    await effects.grant(state);
    expect(since(mark)).toEqual([
      `204 PUT /guilds/${GUILD}/members/${APPLICANT}/roles/100000000000000005`,
      `204 PUT /guilds/${GUILD}/members/${APPLICANT}/roles/100000000000000006`,
    ]);
    expect(fake.calls.at(-1)?.headers["x-audit-log-reason"]).toBe(
      encodeURIComponent("Gatekeeper: join request r0123456789abcdef0123 approved by 100000000000000003"),
    );
    // Again: PUT is idempotent, so a retried grant is harmless.
    await effects.grant(state);
    expect(fake.roles.size).toBe(2);
  });

  it("explains the role hierarchy when Discord refuses a role", async () => {
    fake.failNext("PUT", /roles\/100000000000000005$/, 1, {
      kind: "discord-error",
      status: 403,
      code: 50013,
      message: "Missing Permissions",
    });
    const error = await permanent(() => effects.grant(discordEffectState({ status: "approved" })));
    expect(error.issue).toBe(
      "Could not add role 100000000000000005: the bot needs Manage Roles, and its highest role must be above that role",
    );
    fake.failNext("PUT", /roles\/100000000000000006$/, 1, {
      kind: "discord-error",
      status: 404,
      code: 10011,
      message: "Unknown Role",
    });
    const unknown = await permanent(() => effects.grant(discordEffectState({ status: "approved" })));
    expect(unknown.issue).toBe(
      "Could not add role 100000000000000006: it does not exist (check grant.roles)",
    );
  });

  it("reminds moderators with a reply to the card", async () => {
    const mark = fake.calls.length;
    await effects.remind(discordEffectState({ card: { channel: REVIEW, id: "100000000000000123" } }));
    expect(since(mark)).toEqual([`200 POST /channels/${REVIEW}/messages`]);
    expect(fake.calls.at(-1)?.body).toMatchObject({
      message_reference: { message_id: "100000000000000123", channel_id: REVIEW, fail_if_not_exists: false },
      allowed_mentions: { parse: [], replied_user: false },
    });
  });

  it("explains a review channel the bot cannot post in", async () => {
    fake.failNext("POST", new RegExp(`^/channels/${REVIEW}/messages$`), 1, {
      kind: "discord-error",
      status: 403,
      code: 50001,
      message: "Missing Access",
    });
    const error = await permanent(() => effects.postCard(discordEffectState()));
    expect(error.issue).toBe(`The bot cannot see the review channel ${REVIEW}: give it View Channel there`);
  });

  it("under the fake's rate limit (5 per window per channel), the sixth card waits out the bucket", async () => {
    // A minute-long window, so the test does not depend on how fast this machine is.
    const limited = await startFakeDiscord({ rateLimit: { messagesPerChannel: 5, windowMs: 60_000 } });
    try {
      const slow = createDiscordEffects(
        {
          apiUrl: limited.apiUrl,
          botToken: limited.token,
          applicationId: "900000000000000001",
          publicKey: "0".repeat(64),
        },
        silentLogger,
      );
      for (let i = 0; i < 5; i++) await slow.postCard(discordEffectState());
      const error = await slow.postCard(discordEffectState()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RetryableEffectError);
      const wait = (error as RetryableEffectError).retryAfterMs ?? 0;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_000);
      // The client learnt the bucket from the headers and did not even send the sixth call.
      expect(limited.calls.filter((c) => c.method === "POST")).toHaveLength(5);
      // Another channel has its own bucket.
      await slow.postCard(discordEffectState({}, { reviewChannel: "100000000000000008" }));
    } finally {
      await limited.close();
    }
  });
});
