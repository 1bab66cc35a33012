import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import type { Core } from "../../core/context.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { sweep } from "../../core/sweep.js";
import { cliFor } from "../support/cli.js";
import { testClock } from "../support/core.js";
import { APPLICATION_ID, type DiscordHarness, startDiscordHarness } from "../support/discord-harness.js";
import { commandInteraction, modalSubmitInteraction, testMember } from "../support/discord-interactions.js";
import { eventually } from "../support/recording-effects.js";
import { SECRET, type SlackBot, startSlackBot } from "../support/slack-bot.js";

/**
 * Nothing dropped (issue 9, item 2): an effect is retried for as long as its request is open,
 * rate limits never count as failures, and an effect that keeps failing is shown to moderators
 * once, logged for the alarm, listed by `gatekeeper outbox list` and re-driven by
 * `gatekeeper outbox retry`. Through the local server with the fake platforms; the outbox's
 * clock is a test clock moved by hours.
 */

const SLACK_YAML = `
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
`;

const HOUR = 3_600_000;

let slack: SlackBot | undefined;
let discord: DiscordHarness | undefined;
afterEach(async () => {
  await slack?.close();
  await discord?.close();
  slack = undefined;
  discord = undefined;
});

async function entry(core: Core, requestId: string, name: string) {
  return (await Outbox.entriesOf(core, requestId)).find((e) => e.name === name);
}

describe("an effect that keeps failing", () => {
  it("never dies while its request is open: moderators are told once, the CLI lists it and re-drives it", async () => {
    const clock = testClock(new Date().toISOString());
    slack = await startSlackBot(parseConfig(SLACK_YAML, "stuck.yaml"), {
      now: clock.now,
      outboxNow: clock.now,
    });
    const b = slack;
    const { core, performers } = b.server.runtime;
    const { requestId } = await b.apply("U0APPL1", "makers", { "q:why": "Let me in" });
    await b.cardOf(requestId);
    await eventually(async () => expect((await entry(core, requestId, "card.post"))?.status).toBe("done"));

    // Every invite fails from now on (Slack answers 500).
    b.fake.failNext("conversations.invite", { status: 500 }, 10_000);
    await b.click("approve", { action: "gk_approve", requestId, user: "U0MOD1" });
    await eventually(async () => expect((await entry(core, requestId, "grant"))?.status).toBe("retry"));
    // Twelve hours of retries: far past the old 8 attempts.
    for (let hour = 0; hour < 12; hour++) {
      clock.advance(HOUR);
      await sweep(core, performers);
    }
    const grant = await entry(core, requestId, "grant");
    expect(grant).toMatchObject({ status: "retry", failures: 13 });
    // Capped backoff: the next try is at most an hour away.
    expect(Date.parse(grant?.dueAt ?? "") - clock.now().getTime()).toBeLessThanOrEqual(HOUR);

    // The moderators were told once, in the review channel, what is stuck and why.
    const notices = await eventually(() => {
      const found = b.fake.messagesIn("C0REVIEW").filter((m) => /stuck/i.test(m.text ?? ""));
      expect(found.length).toBeGreaterThan(0);
      return found;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(notices).toHaveLength(1);
    expect(b.fake.messagesIn("C0REVIEW").filter((m) => /stuck/i.test(m.text ?? ""))).toHaveLength(1);
    expect(notices[0]?.text).toMatch(/granting access/i);
    expect(notices[0]?.text).toContain("Slack answered HTTP 500");
    const stuckLogs = b.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.stuck === true);
    expect(stuckLogs).toEqual([
      expect.objectContaining({ message: "effect stuck", effect: "grant", requestId, stuck: true }),
    ]);

    // The operator's view, and a re-drive once Slack is fixed.
    const cli = cliFor(b.server, SLACK_YAML, {
      slack: { token: b.fake.token, apiUrl: b.fake.apiUrl, signingSecret: SECRET },
    });
    const list = await cli("outbox", "list");
    expect(list.stderr).not.toMatch(/Unknown command/);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${requestId}/grant`);
    expect(list.stdout).toContain("13 failures");
    expect(list.stdout).toContain("Slack answered HTTP 500");
    expect(list.stdout).not.toContain(`${requestId}/card.post`);

    b.fake.clearFailures();
    const retried = await cli("outbox", "retry", `${requestId}/grant`);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`${requestId}/grant: done`);
    expect((await entry(core, requestId, "grant"))?.status).toBe("done");
    expect([...(b.fake.members.get("C0MEMBERS") ?? [])]).toEqual(["U0APPL1"]);
    const after = await cli("outbox", "list");
    expect(after.stdout).not.toContain(`${requestId}/grant`);
    expect(after.stdout).toContain("Nothing is stuck");
  }, 120_000);
});

const GUILD = "500000000000000001";
const REVIEW = "500000000000000002";
const DISCORD_YAML = `
communities:
  - id: guild
    name: Guild
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: ["500000000000000003"] }
    grant: { roles: ["500000000000000005"] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
`;

describe("rate limits", () => {
  it("never count as failures: a card rate-limited for two hours is posted once, and nobody is told it is stuck", async () => {
    const clock = testClock(new Date().toISOString());
    discord = await startDiscordHarness(DISCORD_YAML, { now: clock.now, outboxNow: clock.now });
    const h = discord;
    const { core, performers } = h.server.runtime;
    h.fake.failNext("POST", new RegExp(`^/channels/${REVIEW}/messages$`), 12, {
      kind: "rate-limit",
      retryAfterSeconds: 600,
    });
    const member = testMember();
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
    const [recorded] = await Requests.listForApplicant(core, "discord", GUILD, member.user.id);
    const requestId = recorded?.request.id ?? "";
    await eventually(async () => expect((await entry(core, requestId, "card.post"))?.status).toBe("retry"));
    for (let round = 0; round < 12; round++) {
      clock.advance(601_000);
      await sweep(core, performers);
    }
    expect(await entry(core, requestId, "card.post")).toMatchObject({ status: "done", failures: 0 });
    const posts = h.fake.calls.filter(
      (c) => c.method === "POST" && c.path === `/channels/${REVIEW}/messages`,
    );
    expect(posts.map((c) => c.status)).toEqual([...Array.from({ length: 12 }, () => 429), 200]);
    expect([...h.fake.messages.values()].filter((m) => m.channel_id === REVIEW)).toHaveLength(1);
    expect(h.logs.filter((l) => l.includes('"stuck":true'))).toEqual([]);
    expect((await Requests.get(core, requestId))?.card).toBeDefined();
  }, 90_000);
});
