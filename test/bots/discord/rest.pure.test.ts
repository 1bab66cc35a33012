import { Routes } from "discord-api-types/v10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordApi, type DiscordApi } from "../../../bots/discord/rest.js";
import { PermanentEffectError, RetryableEffectError } from "../../../core/effects.js";
import { type FakeDiscord, startFakeDiscord } from "../../support/fake-discord.js";

/**
 * The REST client never waits or retries on its own (the outbox does), and every failure comes
 * out as a Retryable or Permanent effect error. Checked against the fake Discord over HTTP.
 */
const CHANNEL = "100000000000000002";
let fake: FakeDiscord;
let api: DiscordApi;

beforeAll(async () => {
  fake = await startFakeDiscord();
  api = createDiscordApi({ apiUrl: fake.apiUrl, botToken: fake.token });
});
afterAll(() => fake?.close());

const post = (content = "hi") =>
  api.call({ action: "posting a test message" }, (rest) =>
    rest.post(Routes.channelMessages(CHANNEL), { body: { content, allowed_mentions: { parse: [] } } }),
  );

async function failure(run: () => Promise<unknown>): Promise<{ error: unknown; ms: number; calls: number }> {
  const before = fake.calls.length;
  const started = performance.now();
  try {
    await run();
  } catch (error) {
    return { error, ms: performance.now() - started, calls: fake.calls.length - before };
  }
  throw new Error("expected a failure");
}

describe("the Discord REST client", () => {
  it("sends the bot token and JSON to the configured API", async () => {
    await post("hello");
    const call = fake.calls.at(-1);
    expect(call).toMatchObject({
      method: "POST",
      path: `/channels/${CHANNEL}/messages`,
      auth: `Bot ${fake.token}`,
      status: 200,
    });
    expect(call?.body).toEqual({ content: "hello", allowed_mentions: { parse: [] } });
  });

  it("turns a 429 into a Retryable error carrying Retry-After, without waiting or retrying", async () => {
    fake.failNext("POST", /messages$/, 1, { kind: "rate-limit", retryAfterSeconds: 7 });
    const { error, ms, calls } = await failure(() => post());
    expect(error).toBeInstanceOf(RetryableEffectError);
    expect((error as RetryableEffectError).retryAfterMs).toBe(7000);
    expect(calls).toBe(1);
    expect(ms).toBeLessThan(1000);
    // The client remembers nothing that would make it wait: the next call goes straight out.
    await post();
  });

  it("turns a global 429 into a Retryable error, and fails fast (without a request) until it is over", async () => {
    const own = createDiscordApi({ apiUrl: fake.apiUrl, botToken: fake.token });
    const ownPost = () =>
      own.call({ action: "posting under a global limit" }, (rest) =>
        rest.post(Routes.channelMessages(CHANNEL), { body: { content: "x" } }),
      );
    fake.failNext("POST", /messages$/, 1, { kind: "rate-limit", retryAfterSeconds: 2, global: true });
    const first = await failure(ownPost);
    expect(first.error).toBeInstanceOf(RetryableEffectError);
    expect((first.error as RetryableEffectError).retryAfterMs).toBe(2000);
    expect(first.calls).toBe(1);
    // The client knows the global limit: the next call is refused at once, without sleeping.
    const second = await failure(ownPost);
    expect(second.error).toBeInstanceOf(RetryableEffectError);
    expect((second.error as RetryableEffectError).retryAfterMs).toBeGreaterThan(1000);
    expect(second.calls).toBe(0);
    expect(second.ms).toBeLessThan(500);
  });

  it("turns 5xx into Retryable errors after a single attempt", async () => {
    for (const status of [500, 502, 503]) {
      fake.failNext("POST", /messages$/, 1, { kind: "server-error", status });
      const { error, calls } = await failure(() => post());
      expect(error).toBeInstanceOf(RetryableEffectError);
      expect((error as Error).message).toContain(String(status));
      expect(calls).toBe(1);
    }
  });

  it("turns network failures into Retryable errors", async () => {
    const closed = createDiscordApi({ apiUrl: "http://127.0.0.1:9/api", botToken: "x" });
    const { error } = await failure(() =>
      closed.call({ action: "posting to nowhere" }, (rest) =>
        rest.post(Routes.channelMessages(CHANNEL), { body: {} }),
      ),
    );
    expect(error).toBeInstanceOf(RetryableEffectError);
    expect((error as Error).message).toContain("posting to nowhere");
  });

  it("turns Discord's refusals into Permanent errors with an issue moderators can read", async () => {
    const cases: [number, number, string, RegExp][] = [
      [403, 50007, "Cannot send messages to this user", /^Could not DM the applicant: their DMs are closed$/],
      [403, 50013, "Missing Permissions", /^The bot lacks a permission it needs$/],
      [404, 10011, "Unknown Role", /^A configured role does not exist$/],
      [404, 10003, "Unknown Channel", /^A configured channel does not exist$/],
      [
        400,
        50035,
        "Invalid Form Body",
        /^Discord refused posting a test message \(error 50035: Invalid Form Body\)$/,
      ],
    ];
    for (const [status, code, message, issue] of cases) {
      fake.failNext("POST", /messages$/, 1, { kind: "discord-error", status, code, message });
      const { error, calls } = await failure(() => post());
      expect(error, message).toBeInstanceOf(PermanentEffectError);
      expect((error as PermanentEffectError).issue).toMatch(issue);
      expect(calls).toBe(1);
    }
  });

  it("prefers the caller's own wording for a code", async () => {
    fake.failNext("PUT", /roles/, 1, {
      kind: "discord-error",
      status: 403,
      code: 50013,
      message: "Missing Permissions",
    });
    const { error } = await failure(() =>
      api.call(
        { action: "adding a role", issues: { 50013: "Could not add role 5: give the bot Manage Roles" } },
        (rest) =>
          rest.put(Routes.guildMemberRole("100000000000000001", "100000000000000009", "100000000000000005")),
      ),
    );
    expect((error as PermanentEffectError).issue).toBe("Could not add role 5: give the bot Manage Roles");
  });

  it("treats a rejected token as Retryable and keeps the token for the next attempt", async () => {
    fake.failNext("POST", /messages$/, 1, {
      kind: "discord-error",
      status: 401,
      code: 0,
      message: "401: Unauthorized",
    });
    const { error } = await failure(() => post());
    expect(error).toBeInstanceOf(RetryableEffectError);
    await post("after 401");
    expect(fake.calls.at(-1)?.auth).toBe(`Bot ${fake.token}`);
    expect(fake.calls.at(-1)?.status).toBe(200);
  });
});
