import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { sweep } from "../../core/sweep.js";
import { testClock } from "../support/core.js";
import type { SlackCall } from "../support/fake-slack.js";
import { SECRET, type SlackBot, startSlackBot, viewAnswer, viewText } from "../support/slack-bot.js";
import { INJECTION, liveSyntax, textsOf } from "../support/slack-inspect.js";
import { viewSubmission } from "../support/slack-payloads.js";
import { payloadBody } from "../support/slack-sign.js";

/**
 * The moderator tools on Slack, end to end: signed requests into the local server, DynamoDB
 * Local, the stream-driven outbox worker and a fake Slack Web API recording every call. The
 * interview (question DM, Reply modal, thread, card), claims, deny and block, and history.
 */

const YAML = `
communities:
  - id: makers
    name: Makers
    platform: slack
    workspace: T0TEST
    reviewChannel: C0REVIEW
    moderators: { users: [U0MOD1, U0MOD2] }
    grant: { channels: [C0MEMBERS] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
      - { id: site, label: Your website, required: false, maxLength: 100 }
      - { id: city, label: Your city, required: false, maxLength: 100 }
    cooldownDays: 1
  - id: strict
    name: Strict Club
    platform: slack
    workspace: T0TEST
    reviewChannel: C0STRICTREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0STRICT] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
    interviewExpiryHours: 24
    onNoReply: deny
  - id: open-door
    name: Open Door
    platform: slack
    workspace: T0TEST
    reviewChannel: C0DOORREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0DOOR] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
    cooldownDays: 0
`;
const CONFIG = parseConfig(YAML, "slack-tools.yaml");

let bot: SlackBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

async function start(now?: () => Date): Promise<SlackBot> {
  bot = await startSlackBot(CONFIG, now ? { now } : {});
  return bot;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const core = (b: SlackBot) => b.server.runtime.core;
const isDm = (user: string) => (c: SlackCall) =>
  c.method === "chat.postMessage" && c.ok && c.params.channel === user;

/** Every outbox entry of the request settled (and a little more for stragglers). */
async function settle(b: SlackBot, requestId: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const entries = await Outbox.entriesOf(core(b), requestId);
    if (entries.every((e) => ["done", "failed", "dead"].includes(e.status))) break;
    if (Date.now() > deadline)
      throw new Error(`outbox not settled: ${entries.map((e) => `${e.name}=${e.status}`).join(", ")}`);
    await pause(50);
  }
  await pause(200);
}

/** The card's latest blocks as text (the post, or the latest update). */
function cardNow(b: SlackBot, ts: string): string {
  const updates = b.fake.succeeded("chat.update").filter((c) => c.params.ts === ts);
  const last = updates.at(-1) ?? b.fake.succeeded("chat.postMessage").find((c) => c.response?.ts === ts);
  return JSON.stringify(last?.params.blocks ?? []);
}

async function cardShows(b: SlackBot, ts: string, text: string): Promise<string> {
  return b.fake.waitFor(() => (cardNow(b, ts).includes(text) ? cardNow(b, ts) : undefined), {
    what: `the card to show "${text}"`,
  });
}

async function threadPost(b: SlackBot, ts: string, contains: string): Promise<SlackCall> {
  return b.fake.waitFor(
    (calls) =>
      calls.find(
        (c) =>
          c.method === "chat.postMessage" &&
          c.ok &&
          c.params.thread_ts === ts &&
          String(c.params.text).includes(contains),
      ),
    { what: `a thread post with "${contains}"` },
  );
}

type View = { callback_id?: string; private_metadata: string; blocks: unknown[] };
const lastView = (b: SlackBot) => b.fake.succeeded("views.open").at(-1)?.params.view as View;

/** A moderator clicks "Ask a question" and sends the question. */
async function ask(b: SlackBot, requestId: string, moderator: string, question: string) {
  const clicked = await b.click("ask a question", { action: "gk_ask", requestId, user: moderator });
  expect(clicked.status).toBe(200);
  const view = lastView(b);
  expect(view.callback_id).toBe("gk_ask_question");
  return b.submit("question", {
    viewId: `V0ASK${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
    user: moderator,
    callbackId: "gk_ask_question",
    metadata: view.private_metadata,
    values: { ask: question },
  });
}

/** The applicant clicks Reply under the question in their DM; returns the modal that opened. */
async function openReply(b: SlackBot, requestId: string, round: number, user: string): Promise<View> {
  const opens = b.fake.succeeded("views.open").length;
  const clicked = await b.click("reply button", {
    action: "gk_reply_open",
    requestId: `${requestId}:${round}`,
    user,
    channel: "D0APPLDM",
  });
  expect(clicked.status).toBe(200);
  await b.fake.waitFor(() => b.fake.succeeded("views.open").length > opens, { what: "the reply modal" });
  return lastView(b);
}

function sendReply(b: SlackBot, view: View, user: string, reply: string) {
  return b.submit("reply", {
    viewId: `V0REPLY${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
    user,
    callbackId: "gk_reply",
    metadata: view.private_metadata,
    values: { reply },
  });
}

describe("Slack moderator tools", () => {
  it("runs a full interview round: question DM, Reply modal, thread posts, card state; then a second round", async () => {
    const b = await start();
    const { requestId } = await b.apply("U0APPLQ", "makers", { "q:why": "I build boats." });
    const cardTs = await b.cardOf(requestId);
    expect(cardNow(b, cardTs)).toContain('"action_id":"gk_ask"');
    expect(cardNow(b, cardTs)).toContain('"action_id":"gk_claim"');
    const from = b.fake.calls.length;

    const asked = await ask(b, requestId, "U0MOD1", "What kind of boats?");
    expect(asked.status).toBe(200);
    expect(asked.text).toBe("");
    const dm = await b.fake.waitFor((calls) => calls.find(isDm("U0APPLQ")), { what: "the question DM" });
    expect(dm.params.text).toContain("The moderators of Makers have a question about your request to join:");
    expect(dm.params.text).toContain("What kind of boats?");
    const dmBlocks = JSON.stringify(dm.params.blocks);
    expect(dmBlocks).toContain('"action_id":"gk_reply_open"');
    expect(dmBlocks).toContain(`"value":"${requestId}:1"`);
    const questionPost = await threadPost(b, cardTs, "Question 1");
    expect(questionPost.params).toMatchObject({ channel: "C0REVIEW", thread_ts: cardTs });
    // The asker is named, not mentioned: every Slack mention notifies, and the question pings nobody.
    expect(String(questionPost.params.text)).toBe(
      ":question: *Question 1* from @\u200Bu0mod1:\nWhat kind of boats?",
    );
    const waiting = await cardShows(b, cardTs, "Waiting for the applicant");
    expect(waiting).toContain("question 1, asked by <@U0MOD1>");
    expect(waiting).not.toContain('"action_id":"gk_ask"'); // one open question at a time

    // A second question while the first waits is refused, ephemerally.
    await b.click("ask again too soon", { action: "gk_ask", requestId, user: "U0MOD2" });
    const refusal = await b.fake.waitFor(
      (calls) => calls.find((c) => c.method === "chat.postEphemeral" && c.params.user === "U0MOD2"),
      { what: "the busy refusal" },
    );
    expect(String(refusal.params.text)).toContain("is still waiting for the applicant's reply");

    const modal = await openReply(b, requestId, 1, "U0APPLQ");
    expect(modal.callback_id).toBe("gk_reply");
    expect(JSON.stringify(modal.blocks)).toContain("What kind of boats?");
    expect(JSON.stringify(modal.blocks)).toContain('"max_length":1000');
    const replied = await sendReply(b, modal, "U0APPLQ", "Wooden sailing dinghies.");
    expect(viewText(replied)).toContain("Thanks! Your reply was passed on to the moderators of Makers.");
    const replyPost = await threadPost(b, cardTs, "Reply 1");
    expect(String(replyPost.params.text)).toBe(
      ":speech_balloon: *Reply 1* from Display U0APPLQ to <@U0MOD1>:\nWooden sailing dinghies.",
    );
    const repliedCard = await cardShows(b, cardTs, "Replied to question 1");
    expect(repliedCard).toContain('"action_id":"gk_ask"');
    await settle(b, requestId);

    const round = b.fake.calls.slice(from).map((c) => {
      const p = c.params;
      const where = [
        p.channel ? `channel=${String(p.channel)}` : "",
        p.thread_ts ? `thread_ts=${String(p.thread_ts)}` : "",
      ]
        .filter(Boolean)
        .join(" ");
      const activity = /💬 [^"]*/.exec(JSON.stringify(p.blocks ?? ""))?.[0];
      const what =
        c.method === "views.open"
          ? `view=${String((p.view as View).callback_id)}`
          : c.method === "chat.update" && activity
            ? `card: ${activity.slice(0, 70)}`
            : typeof p.text === "string"
              ? JSON.stringify(p.text.slice(0, 70))
              : "";
      return `${c.method} ${where} ${what}`.replace(/\s+/g, " ").trim();
    });
    console.info(`Slack, one interview round as the fake recorded it:\n  ${round.join("\n  ")}`);
    expect(
      round.filter((r) => r.startsWith("chat.postMessage") && r.includes(`thread_ts=${cardTs}`)),
    ).toHaveLength(2);
    expect(b.fake.calls.filter(isDm("U0APPLQ"))).toHaveLength(1);

    // A second round.
    await ask(b, requestId, "U0MOD2", "Where do you sail?");
    await threadPost(b, cardTs, "Question 2");
    const second = await openReply(b, requestId, 2, "U0APPLQ");
    await sendReply(b, second, "U0APPLQ", "On the lake.");
    await threadPost(b, cardTs, "Reply 2");
    await cardShows(b, cardTs, "Replied to question 2");
    const request = await Requests.get(core(b), requestId);
    expect(request?.interview?.map((r) => [r.n, r.question, r.reply, r.askedBy.id])).toEqual([
      [1, "What kind of boats?", "Wooden sailing dinghies.", "U0MOD1"],
      [2, "Where do you sail?", "On the lake.", "U0MOD2"],
    ]);
    expect((await Requests.auditTrail(core(b), requestId)).map((e) => e.action)).toEqual([
      "submitted",
      "asked#1",
      "replied#1",
      "asked#2",
      "replied#2",
    ]);
    // Replying twice to the same question is refused.
    const again = await openReply(b, requestId, 2, "U0APPLQ");
    expect(JSON.stringify(again.blocks)).toContain("You already replied to this question.");
    // Someone else's click on the applicant's Reply button gets nothing of theirs.
    const other = await openReply(b, requestId, 2, "U0OTHER");
    expect(JSON.stringify(other.blocks)).toContain("This question was meant for someone else.");
  });

  it("refuses a reply to a request that was decided meanwhile, politely, and posts nothing", async () => {
    const b = await start();
    const { requestId } = await b.apply("U0APPLR", "makers", { "q:why": "Reasons." });
    const cardTs = await b.cardOf(requestId);
    await ask(b, requestId, "U0MOD1", "Any links?");
    await threadPost(b, cardTs, "Question 1");
    const modal = await openReply(b, requestId, 1, "U0APPLR"); // the form is open…
    await b.click("approve meanwhile", { action: "gk_approve", requestId, user: "U0MOD2" }); // …a moderator decides
    await cardShows(b, cardTs, "*Approved* by <@U0MOD2>");
    const late = await sendReply(b, modal, "U0APPLR", "Here: example.com");
    expect(viewAnswer(late).response_action).toBe("update");
    expect(viewText(late)).toContain(
      "Your request to join Makers was already decided, so your reply was not passed on.",
    );
    expect(viewText(late)).toContain("/apply status");
    // The Reply button now says so too.
    const reopened = await openReply(b, requestId, 1, "U0APPLR");
    expect(JSON.stringify(reopened.blocks)).toContain("was already decided");
    await settle(b, requestId);
    expect(
      b.fake.calls.filter((c) => c.params.thread_ts === cardTs && String(c.params.text).includes("Reply")),
    ).toEqual([]);
    expect((await Requests.get(core(b), requestId))?.interview?.[0]?.reply).toBeUndefined();
  });

  it("puts an unanswered request back in the queue at expiry (gatekeeper sweep --now), flagged 'no reply'", async () => {
    const b = await start();
    const { requestId } = await b.apply("U0APPLN", "makers", { "q:why": "Silence." });
    const cardTs = await b.cardOf(requestId);
    await ask(b, requestId, "U0MOD1", "Still there?");
    await cardShows(b, cardTs, "Waiting for the applicant");
    const modal = await openReply(b, requestId, 1, "U0APPLN");

    const dir = mkdtempSync(join(tmpdir(), "gk-tools-"));
    writeFileSync(join(dir, "gatekeeper.yaml"), YAML);
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, ["bin/gatekeeper.js", ...args], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"),
          TABLE_NAME: b.server.runtime.settings.tableName,
          GATEKEEPER_CONFIG: join(dir, "gatekeeper.yaml"),
          SLACK_SIGNING_SECRET: SECRET,
          SLACK_BOT_TOKEN: b.fake.token,
          SLACK_API_URL: b.fake.apiUrl,
        },
      });
    const early = await cli("sweep", "--now", new Date(Date.now() + 71 * 3_600_000).toISOString());
    expect(early.stdout).toContain("Moderator tools: 0 unanswered questions");
    const late = new Date(Date.now() + 73 * 3_600_000).toISOString();
    const swept = await cli("sweep", "--now", late);
    expect(swept.stdout).toContain("Moderator tools: 1 unanswered questions");

    const noReply = await threadPost(b, cardTs, "No reply");
    expect(String(noReply.params.text)).toBe(
      ':hourglass: No reply to question 1 within 72 hours: the request is back in the queue, flagged "no reply".',
    );
    const flagged = await cardShows(b, cardTs, "No reply to question 1");
    expect(flagged).toContain("back in the queue, flagged");
    expect(flagged).toContain('"action_id":"gk_ask"');
    expect(flagged).toContain('"action_id":"gk_approve"');
    const request = await Requests.get(core(b), requestId);
    expect(request?.status).toBe("pending");
    expect(request?.noReplyAt).toBe(late);
    // The applicant's late reply is refused politely.
    const tooLate = await sendReply(b, modal, "U0APPLN", "Sorry, I was away!");
    expect(viewText(tooLate)).toContain("The time to reply to this question ran out");
    expect(b.fake.calls.filter(isDm("U0APPLN"))).toHaveLength(1); // the question only
  });

  it("declines an unanswered request at expiry when onNoReply is deny, with that reason", async () => {
    const clock = testClock(new Date().toISOString());
    const b = await start(clock.now);
    const { requestId } = await b.apply("U0APPLD", "strict", { "q:why": "Hm." });
    const cardTs = await b.cardOf(requestId, "C0STRICTREV");
    await ask(b, requestId, "U0MOD1", "Why exactly?");
    await threadPost(b, cardTs, "Question 1");
    clock.advance(23 * 3_600_000);
    expect((await sweep(core(b), b.server.runtime.performers)).timers?.noReply).toBe(0);
    clock.advance(2 * 3_600_000);
    const [first, second] = await Promise.all([
      sweep(core(b), b.server.runtime.performers),
      sweep(core(b), b.server.runtime.performers),
    ]);
    expect((first.timers?.noReply ?? 0) + (second.timers?.noReply ?? 0)).toBe(1);
    const notice = await b.fake.waitFor(
      (calls) => calls.filter(isDm("U0APPLD")).find((c) => String(c.params.text).includes("declined")),
      { what: "the decline notice" },
    );
    expect(notice.params.text).toBe(
      "Your request to join Strict Club was declined.\n*Reason:* No reply to the moderators' question within 24 hours.",
    );
    await threadPost(b, cardTs, "the request was declined");
    const card = await cardShows(b, cardTs, "*Denied* automatically");
    expect(card).toContain("declined for no reply");
    await settle(b, requestId);
    expect(b.fake.calls.filter(isDm("U0APPLD"))).toHaveLength(2); // the question and the notice
    // No cooldown for a decline by the bot: the applicant may apply again at once.
    const again = await b.command("/apply strict", { user: "U0APPLD", text: "strict" });
    expect(again.text).toBe("");
  });

  it("lets one of two racing claims win, shows who is reviewing, and only the claimer unclaims", async () => {
    const b = await start();
    const { requestId } = await b.apply("U0APPLC", "makers", { "q:why": "Claims." });
    const cardTs = await b.cardOf(requestId);
    const clicks = await Promise.all(
      ["U0MOD1", "U0MOD2", "U0MOD1", "U0MOD2", "U0MOD1", "U0MOD2"].map((user, i) =>
        b.click(`claim #${i}`, { action: "gk_claim", requestId, user }),
      ),
    );
    expect(clicks.map((c) => c.status)).toEqual(Array(6).fill(200));
    const request = await Requests.get(core(b), requestId);
    const winner = request?.claim?.by.id ?? "";
    const loser = winner === "U0MOD1" ? "U0MOD2" : "U0MOD1";
    expect(["U0MOD1", "U0MOD2"]).toContain(winner);
    const trail = await Requests.auditTrail(core(b), requestId);
    expect(new Set(trail.filter((e) => e.action === "claimed").map((e) => e.actor.id))).toEqual(
      new Set([winner]),
    );
    await b.fake.waitFor(
      (calls) =>
        calls.filter((c) => c.method === "chat.postEphemeral" && c.params.user === loser).length === 3,
      { what: "the loser's three refusals" },
    );
    for (const e of b.fake.succeeded("chat.postEphemeral"))
      expect(String(e.params.text)).toMatch(
        new RegExp(`^<@${winner}> is already reviewing this request \\(since `),
      );
    const claimed = await cardShows(b, cardTs, "Being reviewed by");
    expect(claimed).toContain(`Being reviewed by <@${winner}> since`);
    expect(claimed).toContain('"action_id":"gk_unclaim"');
    expect(claimed).toContain('"action_id":"gk_approve"'); // anyone can still decide

    await b.click("unclaim by the other", { action: "gk_unclaim", requestId, user: loser });
    await b.fake.waitFor(
      (calls) =>
        calls.find((c) => c.method === "chat.postEphemeral" && String(c.params.text).startsWith("Only <@")),
      { what: "the not-yours refusal" },
    );
    await b.click("unclaim by the claimer", { action: "gk_unclaim", requestId, user: winner });
    await b.fake.waitFor(() => !cardNow(b, cardTs).includes("Being reviewed") || undefined, {
      what: "the card without the claim",
    });
    expect(cardNow(b, cardTs)).toContain('"action_id":"gk_claim"');
    // The loser decides anyway: a claim never stops anyone.
    await b.click("approve", { action: "gk_approve", requestId, user: loser });
    await cardShows(b, cardTs, `*Approved* by <@${loser}>`);
  });

  it("ends a claim after claimMinutes (the sweep), and the card stops showing it", async () => {
    const clock = testClock(new Date().toISOString());
    const b = await start(clock.now);
    const { requestId } = await b.apply("U0APPLE", "makers", { "q:why": "Time." });
    const cardTs = await b.cardOf(requestId);
    await b.click("claim", { action: "gk_claim", requestId, user: "U0MOD1" });
    await cardShows(b, cardTs, "Being reviewed by <@U0MOD1>");
    clock.advance(59 * 60_000);
    expect((await sweep(core(b), b.server.runtime.performers)).timers?.claimsEnded).toBe(0);
    clock.advance(2 * 60_000);
    expect((await sweep(core(b), b.server.runtime.performers)).timers?.claimsEnded).toBe(1);
    await b.fake.waitFor(() => !cardNow(b, cardTs).includes("Being reviewed") || undefined, {
      what: "the card without the claim",
    });
    expect((await Requests.get(core(b), requestId))?.claim).toBeUndefined();
    expect((await sweep(core(b), b.server.runtime.performers)).timers?.claimsEnded).toBe(0);
    // Someone else can claim it now.
    await b.click("claim by another", { action: "gk_claim", requestId, user: "U0MOD2" });
    await cardShows(b, cardTs, "Being reviewed by <@U0MOD2>");
  });

  it("denies and blocks from the deny form; a blocked applicant's /apply gets the neutral refusal; unblock keeps working", async () => {
    const b = await start();
    const { requestId } = await b.apply("U0SPAM", "open-door", { "q:why": "Buy cheap watches!" });
    const cardTs = await b.cardOf(requestId, "C0DOORREV");
    await b.click("deny", { action: "gk_deny", requestId, user: "U0MOD1", channel: "C0DOORREV" });
    const modal = lastView(b);
    expect(modal.callback_id).toBe("gk_deny_reason");
    const blocks = JSON.stringify(modal.blocks);
    expect(blocks).toContain('"type":"checkboxes"');
    expect(blocks).toContain("Also block this person");

    const payload = viewSubmission({
      viewId: "V0DENYBLOCK",
      user: "U0MOD1",
      callbackId: "gk_deny_reason",
      metadata: modal.private_metadata,
      values: { reason: "Spam." },
    });
    const view = payload.view as { state: { values: Record<string, unknown> } };
    view.state.values.block = { value: { type: "checkboxes", selected_options: [{ value: "block" }] } };
    const denied = await b.post("deny and block", payloadBody(payload));
    expect(denied.status).toBe(200);
    expect(denied.text).toBe("");

    const card = await cardShows(b, cardTs, "Blocked from applying again by <@U0MOD1>");
    expect(card).toContain("*Denied* by <@U0MOD1>");
    const request = await Requests.get(core(b), requestId);
    expect(request?.blocked?.by.id).toBe("U0MOD1");
    expect(await Requests.standing(core(b), "open-door", "U0SPAM")).toMatchObject({
      blocked: true,
      blockedBy: { id: "U0MOD1" },
    });
    // One transaction: the denial and the block carry the same time, in either order.
    expect((await Requests.auditTrail(core(b), requestId)).map((e) => e.action).sort()).toEqual([
      "blocked",
      "denied",
      "submitted",
    ]);
    const notice = await b.fake.waitFor((calls) => calls.find(isDm("U0SPAM")), { what: "the notice" });
    expect(notice.params.text).toBe("Your request to join Open Door was declined.\n*Reason:* Spam.");

    const opens = b.fake.succeeded("views.open").length;
    const cards = b.fake.succeeded("chat.postMessage").filter((c) => c.params.channel === "C0DOORREV").length;
    const again = await b.command("/apply again", { user: "U0SPAM", text: "open-door" });
    expect(again.json).toEqual({ response_type: "ephemeral", text: "You can't apply to join Open Door." });
    await pause(300);
    expect(b.fake.succeeded("views.open")).toHaveLength(opens);
    expect(b.fake.succeeded("chat.postMessage").filter((c) => c.params.channel === "C0DOORREV")).toHaveLength(
      cards,
    );
    // Blocks are per community: another community of the workspace still takes them.
    expect((await b.command("/apply makers", { user: "U0SPAM", text: "makers" })).text).toBe("");

    await Requests.setBlocked(core(b), b.community("open-door"), "U0SPAM", false); // gatekeeper unblock
    expect((await b.command("/apply after unblock", { user: "U0SPAM", text: "open-door" })).text).toBe("");
  });

  it("shows earlier requests and a per-question answer diff on a re-application after the cooldown", async () => {
    const clock = testClock(new Date().toISOString());
    const b = await start(clock.now);
    const first = await b.apply("U0APPLH", "makers", {
      "q:why": "To learn woodworking.",
      "q:site": null,
      "q:city": "Lyon",
    });
    const firstCard = await b.cardOf(first.requestId);
    expect(cardNow(b, firstCard)).not.toContain("Earlier requests");
    await b.click("deny", { action: "gk_deny", requestId: first.requestId, user: "U0MOD1" });
    await b.submit("deny reason", {
      viewId: "V0DENYH",
      user: "U0MOD1",
      callbackId: "gk_deny_reason",
      metadata: lastView(b).private_metadata,
      values: { reason: "Tell us more about your projects." },
    });
    await cardShows(b, firstCard, "*Denied*");
    const tooSoon = await b.command("/apply too soon", { user: "U0APPLH", text: "makers" });
    expect(String((tooSoon.json as { text?: string }).text)).toContain(
      "was declined. You can apply again after",
    );

    clock.advance(2 * 86_400_000);
    const second = await b.apply("U0APPLH", "makers", {
      "q:why": "To learn woodworking and show my chairs.",
      "q:site": "chairs.example",
      "q:city": "Lyon",
    });
    const secondCard = await b.cardOf(second.requestId);
    const card = cardNow(b, secondCard);
    expect(card).toContain("*Earlier requests here (1):*");
    expect(card).toContain("• Denied by <@U0MOD1> on ");
    expect(card).toContain(": Tell us more about your projects.");
    expect(card).toContain(
      "*Answers since the last request:* Why do you want to join? changed · Your website new · Your city unchanged",
    );
    const stored = await Requests.get(core(b), second.requestId);
    expect(stored?.history?.earlier.map((e) => [e.id, e.status, e.by?.id])).toEqual([
      [first.requestId, "denied", "U0MOD1"],
    ]);
  });

  it("keeps injection strings in questions and replies as text: no mention, link or forged formatting", async () => {
    const b = await start();
    const { requestId } = await b.apply("U0APPLI", "makers", { "q:why": "Fine." });
    const cardTs = await b.cardOf(requestId);
    await ask(b, requestId, "U0MOD1", INJECTION);
    const dm = await b.fake.waitFor((calls) => calls.find(isDm("U0APPLI")), { what: "the question DM" });
    for (const text of textsOf(dm.params).mrkdwn) expect(liveSyntax(text), text).toEqual([]);
    const question = await threadPost(b, cardTs, "Question 1");
    expect(liveSyntax(String(question.params.text))).toEqual([]); // not even the asker
    const modal = await openReply(b, requestId, 1, "U0APPLI");
    // The question is shown in the reply modal as plain text, which Slack never parses.
    expect(textsOf(modal).mrkdwn.join("")).not.toContain("<!channel>");
    await sendReply(b, modal, "U0APPLI", INJECTION);
    const reply = await threadPost(b, cardTs, "Reply 1");
    const text = String(reply.params.text);
    expect(liveSyntax(text, ["U0MOD1"])).toEqual([]);
    expect(text).toContain("&lt;!channel&gt;");
    expect(text.match(/<@/g)).toHaveLength(1); // only the moderator who asked
    const stored = await Requests.get(core(b), requestId);
    expect(stored?.interview?.[0]).toMatchObject({ question: INJECTION, reply: INJECTION });
  });
});
