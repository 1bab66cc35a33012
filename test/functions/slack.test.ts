import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { sweep } from "../../core/sweep.js";
import { testClock } from "../support/core.js";
import type { SlackCall } from "../support/fake-slack.js";
import { type SlackBot, startSlackBot, viewAnswer, viewText } from "../support/slack-bot.js";
import { INJECTION, liveSyntax, textsOf } from "../support/slack-inspect.js";
import { memberLeftEvent } from "../support/slack-payloads.js";

/**
 * Slack, end to end: signed requests to the local server's `/slack/events` (the Lambda handler
 * behind the thin HTTP adapter), DynamoDB Local, the stream-driven outbox worker, and the real
 * Slack clients talking to a fake Slack Web API that records every call.
 */

const CONFIG = parseConfig(
  `
communities:
  - id: makers
    name: Makers
    description: People who make things.
    platform: slack
    workspace: T0TEST
    reviewChannel: C0REVIEW
    moderators: { users: [U0MOD1, U0MOD2] }
    grant: { channels: [C0MEMBERS, C0EXTRA] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, required: true, maxLength: 200 }
      - { id: site, label: Your website, style: short, required: false, maxLength: 100 }
    note: { required: false, maxLength: 300 }
    rules: { requireAvatar: true, requireRealName: true }
    capacity: 100
  - id: tiny
    name: Tiny Club
    platform: slack
    workspace: T0TEST
    reviewChannel: C0TINYREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0TINY] }
    questions:
      - { id: why, label: Why?, maxLength: 100 }
    capacity: 1
    whenFull: waitlist
  - id: closed
    name: Closed Circle
    platform: slack
    workspace: T0TEST
    reviewChannel: C0CLOSEDREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0CLOSED] }
    capacity: 0
    whenFull: deny
  - id: pair
    name: Pair
    platform: slack
    workspace: T0TEST
    reviewChannel: C0PAIRREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0PAIR] }
    capacity: 1
    whenFull: deny
  - id: elsewhere
    name: Elsewhere
    platform: slack
    workspace: T0OTHER
    reviewChannel: C0OTHERREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0OTHER] }
`,
  "slack-e2e.yaml",
);

const ANSWER_BOUND_MS = 2500;

let bot: SlackBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

async function start(now?: () => Date): Promise<SlackBot> {
  bot = await startSlackBot(CONFIG, now ? { now } : {});
  return bot;
}

const methods = (calls: SlackCall[]) => calls.map((c) => c.method);
const isDm = (user: string) => (c: SlackCall) =>
  c.method === "chat.postMessage" && c.ok && c.params.channel === user;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lets the worker finish whatever is still in flight, so "exactly once" is not checked too early. */
async function settle(b: SlackBot, requestId: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const entries = await Outbox.entriesOf(b.server.runtime.core, requestId);
    if (entries.every((e) => e.status === "done" || e.status === "failed" || e.status === "dead")) break;
    if (Date.now() > deadline)
      throw new Error(
        `outbox of ${requestId} did not settle: ${entries.map((e) => `${e.name}=${e.status}`)}`,
      );
    await pause(50);
  }
  await pause(300);
}

describe("Slack, end to end", () => {
  it("takes an applicant from /apply to the invite, the DM and the updated card", async () => {
    const b = await start();
    const opened = await b.command("/apply", { user: "U0APPL1", text: "makers" });
    expect(opened.status).toBe(200);
    expect(opened.text).toBe("");
    const [open] = b.fake.succeeded("views.open");
    const form = open?.params.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string }[];
    };
    expect(form.callback_id).toBe("gk_apply");
    expect(JSON.parse(form.private_metadata)).toEqual({ c: "makers" });
    expect(form.blocks.map((x) => x.block_id).filter(Boolean)).toEqual(["q:why", "q:site", "note"]);

    const viewId = (open?.response?.view as { id?: string } | undefined)?.id ?? "";
    const submitted = await b.submit("form submission", {
      viewId,
      user: "U0APPL1",
      metadata: form.private_metadata,
      values: { "q:why": "I build furniture.", "q:site": null, note: "Hi!" },
    });
    expect(submitted.status).toBe(200);
    expect(viewAnswer(submitted).response_action).toBe("update");
    expect(viewText(submitted)).toContain("Your request to join Makers was received");
    const requestId = Requests.requestIdFor(b.community("makers"), viewId);
    // Recorded before the applicant was told.
    expect((await Requests.get(b.server.runtime.core, requestId))?.status).toBe("pending");

    const cardTs = await b.cardOf(requestId);
    const card = b.fake.succeeded("chat.postMessage").find((c) => c.response?.ts === cardTs);
    const cardText = JSON.stringify(card?.params.blocks);
    expect(cardText).toContain("<@U0APPL1>");
    expect(cardText).toContain("I build furniture.");
    expect(cardText).toContain("Hi!");
    expect(cardText).toContain("gk_approve");

    const approved = await b.click("approve", { action: "gk_approve", requestId, user: "U0MOD1" });
    expect(approved.status).toBe(200);
    await b.fake.waitFor(
      (calls) => calls.filter((c) => c.method === "conversations.invite" && c.ok).length === 2,
      { what: "the invites" },
    );
    const dm = await b.fake.waitFor((calls) => calls.find(isDm("U0APPL1")), { what: "the DM" });
    expect(dm.params.text).toContain("was approved. Welcome!");
    const update = await b.fake.waitFor((calls) => calls.find((c) => c.method === "chat.update" && c.ok), {
      what: "the card update",
    });
    expect(update.params).toMatchObject({ channel: "C0REVIEW", ts: cardTs });
    const updated = JSON.stringify(update.params.blocks);
    expect(updated).toContain("*Approved* by <@U0MOD1>");
    expect(updated).not.toContain("gk_approve");
    await settle(b, requestId);

    expect(b.fake.succeeded("conversations.invite").map((c) => [c.params.channel, c.params.users])).toEqual([
      ["C0MEMBERS", "U0APPL1"],
      ["C0EXTRA", "U0APPL1"],
    ]);
    const trail = await Requests.auditTrail(b.server.runtime.core, requestId);
    expect(trail.map((e) => [e.action, e.actor.id])).toEqual([
      ["submitted", "U0APPL1"],
      ["approved", "U0MOD1"],
    ]);
    // The decision republishes both moderators' App Homes (one coalesced refresh of the community).
    await b.fake.waitFor(
      () =>
        ["U0MOD1", "U0MOD2"].every((u) =>
          b.fake.succeeded("views.publish").some((c) => c.params.user_id === u),
        ) || undefined,
      { what: "the moderators' homes refreshed" },
    );
    console.info(
      `Slack calls in one full run: ${b.fake.calls.map((c) => `${c.method}${c.method === "chat.postMessage" ? `(${String(c.params.channel)})` : ""}`).join(" → ")}`,
    );
    expect(
      methods(b.fake.calls)
        .filter((m) => m !== "auth.test")
        .sort(),
    ).toEqual(
      [
        "views.open",
        "users.info",
        "chat.postMessage",
        "conversations.invite",
        "conversations.invite",
        "chat.postMessage",
        "chat.update",
        "views.publish",
        "views.publish",
      ].sort(),
    );
    // The bot's identity, and the workspace's URL for the homes' card links (once per process).
    expect(b.fake.callsTo("auth.test").length).toBeGreaterThanOrEqual(1);
    expect(b.fake.callsTo("auth.test").length).toBeLessThanOrEqual(2);
    for (const t of b.timings) expect(t.ms, t.label).toBeLessThan(ANSWER_BOUND_MS);
  });

  it("denies with a reason pre-filled from the failed rules, and the reason reaches the applicant", async () => {
    const b = await start();
    b.fake.setUser({
      id: "U0APPL2",
      name: "sam",
      real_name: "",
      tz: "Europe/Berlin",
      profile: { display_name: "sam", real_name: "", is_custom_image: false, title: "Maker" },
    });
    const { requestId } = await b.apply("U0APPL2", "makers", { "q:why": "I like wood.", note: null });
    const cardTs = await b.cardOf(requestId);
    const cardText = JSON.stringify(
      b.fake.succeeded("chat.postMessage").find((c) => c.response?.ts === cardTs)?.params.blocks,
    );
    expect(cardText).toContain(":x: *Profile photo*: no profile photo");
    expect(cardText).toContain(":x: *Real name*: no real name");

    const clicked = await b.click("deny", { action: "gk_deny", requestId, user: "U0MOD2" });
    expect(clicked.status).toBe(200);
    const open = b.fake.succeeded("views.open").at(-1);
    const modal = open?.params.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(modal.callback_id).toBe("gk_deny_reason");
    expect(JSON.stringify(modal.blocks)).toContain(
      '"initial_value":"Profile photo: no profile photo; Real name: no real name"',
    );
    // Nothing is decided by the click itself.
    expect((await Requests.get(b.server.runtime.core, requestId))?.status).toBe("pending");

    const reason = "Profile photo: no profile photo; please add one and apply again.";
    const denied = await b.submit("deny reason", {
      viewId: "V0DENY1",
      user: "U0MOD2",
      callbackId: "gk_deny_reason",
      metadata: modal.private_metadata,
      values: { reason },
    });
    expect(denied.status).toBe(200);
    expect(denied.text).toBe("");
    const dm = await b.fake.waitFor((calls) => calls.find(isDm("U0APPL2")), { what: "the decline DM" });
    expect(dm.params.text).toBe(
      `Your request to join Makers was declined.\n*Reason:* Profile photo: no profile photo; please add one and apply again.`,
    );
    const update = await b.fake.waitFor((calls) => calls.find((c) => c.method === "chat.update" && c.ok), {
      what: "the card update",
    });
    expect(JSON.stringify(update.params.blocks)).toContain("*Denied* by <@U0MOD2>");
    await settle(b, requestId);
    expect(b.fake.succeeded("conversations.invite")).toHaveLength(0);
    const request = await Requests.get(b.server.runtime.core, requestId);
    expect(request?.decision).toMatchObject({ outcome: "denied", by: { id: "U0MOD2" }, reason });

    // Declined: a cooldown, so applying again is refused ephemerally and opens no form.
    const opens = b.fake.succeeded("views.open").length;
    const again = await b.command("/apply again", { user: "U0APPL2", text: "makers" });
    expect(again.json).toMatchObject({ response_type: "ephemeral" });
    expect(String((again.json as { text: string }).text)).toContain(
      "was declined. You can apply again after",
    );
    expect(b.fake.succeeded("views.open")).toHaveLength(opens);
  });

  it("refuses a non-moderator's Approve and Deny ephemerally and changes nothing", async () => {
    const b = await start();
    const { requestId } = await b.apply("U0APPL3", "makers", { "q:why": "Because." });
    await b.cardOf(requestId);
    const opens = b.fake.succeeded("views.open").length;
    for (const action of ["gk_approve", "gk_deny"] as const) {
      const answer = await b.click(`${action} by a non-moderator`, { action, requestId, user: "U0RANDOM" });
      expect(answer.status).toBe(200);
    }
    const ephemerals = b.fake.succeeded("chat.postEphemeral");
    expect(ephemerals.map((c) => [c.params.channel, c.params.user, c.params.text])).toEqual([
      ["C0REVIEW", "U0RANDOM", "Only this community's moderators can approve or deny requests."],
      ["C0REVIEW", "U0RANDOM", "Only this community's moderators can approve or deny requests."],
    ]);
    // A moderator of another workspace's community clicking from this one is refused too.
    const foreign = await b.click("approve from another workspace", {
      action: "gk_approve",
      requestId,
      user: "U0MOD1",
      team: "T0OTHER",
    });
    expect(foreign.status).toBe(200);
    await pause(500);
    expect(b.fake.succeeded("views.open")).toHaveLength(opens);
    expect((await Requests.get(b.server.runtime.core, requestId))?.status).toBe("pending");
    expect((await Requests.auditTrail(b.server.runtime.core, requestId)).map((e) => e.action)).toEqual([
      "submitted",
    ]);
    expect(b.fake.callsTo("conversations.invite")).toHaveLength(0);
    expect(b.fake.calls.filter(isDm("U0APPL3"))).toHaveLength(0);
  });

  it("makes exactly one decision out of 20 concurrent Approve and Deny clicks from two moderators", async () => {
    const b = await start();
    const { requestId } = await b.apply("U0APPL4", "makers", { "q:why": "Concurrency!" });
    await b.cardOf(requestId);
    const deny = JSON.stringify({ r: requestId, ch: "C0REVIEW" });
    const clicks = Array.from({ length: 20 }, (_, i) => {
      const user = i % 2 === 0 ? "U0MOD1" : "U0MOD2";
      return i % 4 < 2
        ? b.click(`approve #${i}`, { action: "gk_approve", requestId, user })
        : b.submit(`deny #${i}`, {
            viewId: `V0DENYRACE${i}`,
            user,
            callbackId: "gk_deny_reason",
            metadata: deny,
            values: { reason: `deny #${i}` },
          });
    });
    const answers = await Promise.all(clicks);
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const request = await Requests.get(b.server.runtime.core, requestId);
    const outcome = request?.status;
    expect(["approved", "denied"]).toContain(outcome);
    await b.fake.waitFor((calls) => calls.find(isDm("U0APPL4")), { what: "the notice" });
    await settle(b, requestId);

    const trail = await Requests.auditTrail(b.server.runtime.core, requestId);
    expect(trail.filter((e) => e.action === "approved" || e.action === "denied")).toHaveLength(1);
    expect(b.fake.calls.filter(isDm("U0APPL4"))).toHaveLength(1);
    const invites = b.fake.succeeded("conversations.invite").map((c) => c.params.channel);
    expect(invites).toEqual(outcome === "approved" ? ["C0MEMBERS", "C0EXTRA"] : []);
    expect(b.fake.callsTo("conversations.invite").filter((c) => !c.ok)).toHaveLength(0);
    // The losers were told (approve clicks: ephemerally; deny forms: in the modal).
    const lostDenies = answers.filter((a) => viewAnswer(a).response_action === "update");
    const ephemerals = b.fake.succeeded("chat.postEphemeral");
    expect(lostDenies.length + ephemerals.length).toBe(19);
    for (const e of ephemerals)
      expect(String(e.params.text)).toMatch(
        /^This request was already (approved|denied) by <@U0MOD[12]> on /,
      );
    console.info(
      `20 concurrent clicks: ${outcome}; worst answer ${Math.max(...answers.map((a) => a.ms))} ms`,
    );
  });

  it("records a retried submission once and ignores a retried slash command's spent trigger", async () => {
    const b = await start();
    const trigger = "9001.1.retried";
    const first = await b.command("/apply", { user: "U0APPL5", text: "makers", trigger });
    const retried = await b.command(
      "/apply (retry)",
      { user: "U0APPL5", text: "makers", trigger },
      { retryNum: 1 },
    );
    expect([first.status, retried.status]).toEqual([200, 200]);
    expect(retried.text).toBe("");
    expect(b.fake.callsTo("views.open").map((c) => c.error ?? "ok")).toEqual(["ok", "trigger_exchanged"]);

    const open = b.fake.succeeded("views.open")[0];
    const view = open?.response?.view as { id: string; private_metadata: string };
    const form = {
      viewId: view.id,
      user: "U0APPL5",
      metadata: view.private_metadata,
      values: { "q:why": "Twice?" },
    };
    const one = await b.submit("form submission", form);
    const two = await b.submit("form submission (retry)", form, { retryNum: 1, retryReason: "http_timeout" });
    const three = await b.submit("form submission (double click)", form);
    for (const a of [one, two, three]) expect(viewText(a)).toContain("was received");

    const requestId = Requests.requestIdFor(b.community("makers"), view.id);
    await b.cardOf(requestId);
    await settle(b, requestId);
    const mine = await Requests.listForApplicant(b.server.runtime.core, "slack", "T0TEST", "U0APPL5");
    expect(mine.map((r) => r.request.id)).toEqual([requestId]);
    expect(b.fake.succeeded("chat.postMessage").filter((c) => c.params.channel === "C0REVIEW")).toHaveLength(
      1,
    );
    expect((await Requests.auditTrail(b.server.runtime.core, requestId)).map((e) => e.action)).toEqual([
      "submitted",
    ]);
  });

  it("answers bad, stale and missing signatures with 401 and records nothing", async () => {
    const b = await start();
    const now = Math.floor(Date.now() / 1000);
    const attempts = [
      await b.command("wrong secret", { user: "U0APPL6", text: "makers" }, { signature: "v0=deadbeef" }),
      await b.command("stale", { user: "U0APPL6", text: "makers" }, { ts: now - 6 * 60 }),
      await b.command("from the future", { user: "U0APPL6", text: "makers" }, { ts: now + 6 * 60 }),
      await b.command("unsigned", { user: "U0APPL6", text: "makers" }, { signature: "" }),
      await b.submit(
        "forged form",
        { viewId: "V0FORGED", user: "U0APPL6", metadata: '{"c":"makers"}', values: { "q:why": "forged" } },
        { signature: "v0=0000" },
      ),
      await b
        .click("forged click", { action: "gk_approve", requestId: "r0123456789abcdef0123", user: "U0MOD1" })
        .then(async () =>
          b.post("garbage", "not a slack body", { signature: "v0=1", contentType: "text/plain" }),
        ),
    ];
    expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
    const recorded = await Requests.listForApplicant(b.server.runtime.core, "slack", "T0TEST", "U0APPL6");
    expect(recorded).toEqual([]);
    // The one validly signed click (unknown request) got an ephemeral; the refused ones reached nothing.
    expect(methods(b.fake.calls).filter((m) => m !== "auth.test" && m !== "chat.postEphemeral")).toEqual([]);
    expect(b.fake.callsTo("views.open")).toHaveLength(0);
  });

  it("sends oversized and missing answers back to their fields and records nothing", async () => {
    const b = await start();
    const metadata = '{"c":"makers"}';
    const missing = await b.submit("missing answer", {
      viewId: "V0BAD1",
      user: "U0APPL7",
      metadata,
      values: { "q:why": "   ", note: null },
    });
    expect(viewAnswer(missing)).toEqual({
      response_action: "errors",
      errors: { "q:why": "This answer is required." },
    });
    const oversized = await b.submit("oversized answers", {
      viewId: "V0BAD2",
      user: "U0APPL7",
      metadata,
      values: { "q:why": "x".repeat(201), "q:site": "y".repeat(101), note: "z".repeat(301) },
    });
    expect(viewAnswer(oversized)).toEqual({
      response_action: "errors",
      errors: {
        "q:why": "Please keep it under 200 characters.",
        "q:site": "Please keep it under 100 characters.",
        note: "Please keep the note under 300 characters.",
      },
    });
    const tampered = await b.submit("tampered metadata", {
      viewId: "V0BAD3",
      user: "U0APPL7",
      metadata: '{"c":"elsewhere"}',
      values: { "q:why": "hi" },
    });
    expect(viewText(tampered)).toContain("not set up here");
    expect(await Requests.listForApplicant(b.server.runtime.core, "slack", "T0TEST", "U0APPL7")).toEqual([]);
    expect(b.fake.callsTo("users.info")).toHaveLength(0);
    await pause(300);
    expect(b.fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("shows injection strings from every field as text: no live mention, link or forged formatting", async () => {
    const b = await start();
    b.fake.setUser({
      id: "U0APPL8",
      name: "evil",
      real_name: INJECTION,
      tz: INJECTION,
      profile: {
        display_name: INJECTION,
        real_name: INJECTION,
        title: INJECTION,
        email: INJECTION,
        is_custom_image: true,
      },
    });
    const { requestId, submitted } = await b.apply("U0APPL8", "makers", {
      "q:why": INJECTION,
      "q:site": INJECTION.slice(0, 100),
      note: INJECTION,
    });
    expect(viewAnswer(submitted).response_action).toBe("update");
    await b.cardOf(requestId);
    await b.click("deny", { action: "gk_deny", requestId, user: "U0MOD1" });
    const modal = b.fake.succeeded("views.open").at(-1)?.params.view as { private_metadata: string };
    await b.submit("deny with an injected reason", {
      viewId: "V0DENYINJ",
      user: "U0MOD1",
      callbackId: "gk_deny_reason",
      metadata: modal.private_metadata,
      values: { reason: INJECTION },
    });
    await b.fake.waitFor((calls) => calls.find(isDm("U0APPL8")), { what: "the DM" });
    await b.fake.waitFor((calls) => calls.find((c) => c.method === "chat.update" && c.ok), {
      what: "the card update",
    });
    await settle(b, requestId);

    const messages = b.fake.calls.filter((c) =>
      ["chat.postMessage", "chat.update", "chat.postEphemeral"].includes(c.method),
    );
    expect(messages.length).toBeGreaterThanOrEqual(3);
    for (const m of messages) {
      const { mrkdwn } = textsOf(m.params);
      expect(mrkdwn.length).toBeGreaterThan(0);
      expect(
        mrkdwn.flatMap((t) => liveSyntax(t, ["U0APPL8", "U0MOD1", "U0MOD2"])),
        `${m.method} to ${String(m.params.channel)}`,
      ).toEqual([]);
    }
    // The text is there, shown as typed.
    const card = JSON.stringify(messages.find((m) => m.method === "chat.update")?.params);
    expect(card).toContain("&lt;!channel&gt;");
    expect(card).toContain("&amp;amp;");
  });

  it("retries Slack's 500 and 429 (Retry-After) in the worker and delivers each effect exactly once", async () => {
    const b = await start();
    b.fake.failNext("chat.postMessage", { status: 500 });
    b.fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    const { requestId } = await b.apply("U0APPL9", "makers", { "q:why": "Flaky Slack" });
    await b.cardOf(requestId);
    expect(b.fake.callsTo("chat.postMessage").map((c) => c.status)).toEqual([500, 429, 200]);

    b.fake.failNext("conversations.invite", { status: 429, retryAfter: 1 });
    b.fake.failNext("chat.update", { status: 500 }, 2);
    await b.click("approve", { action: "gk_approve", requestId, user: "U0MOD1" });
    await b.fake.waitFor((calls) => calls.find((c) => c.method === "chat.update" && c.ok), {
      what: "the card update",
      timeoutMs: 20_000,
    });
    await b.fake.waitFor((calls) => calls.find(isDm("U0APPL9")), { what: "the DM" });
    await settle(b, requestId);
    expect(b.fake.succeeded("conversations.invite").map((c) => c.params.channel)).toEqual([
      "C0MEMBERS",
      "C0EXTRA",
    ]);
    expect(b.fake.callsTo("conversations.invite").map((c) => c.status)).toEqual([429, 200, 200]);
    expect(b.fake.callsTo("chat.update").map((c) => c.status)).toEqual([500, 500, 200]);
    expect(b.fake.calls.filter(isDm("U0APPL9"))).toHaveLength(1);
    expect(b.fake.succeeded("chat.postMessage").filter((c) => c.params.channel === "C0REVIEW")).toHaveLength(
      1,
    );
    const entries = await Outbox.entriesOf(b.server.runtime.core, requestId);
    expect(entries.every((e) => e.status === "done")).toBe(true);
  });

  it("answers /apply status, withdraw, help and unknown ids; a withdrawn request's card says so", async () => {
    const b = await start();
    const text = (a: { json: unknown }) => String((a.json as { text?: string }).text);
    const choose = await b.command("/apply (several communities)", { user: "U0APPLA" });
    expect(text(choose)).toContain("Which community would you like to join?");
    expect(text(choose)).toContain("`makers` Makers: People who make things.");
    expect(text(choose)).not.toContain("elsewhere");
    expect(text(await b.command("/apply help", { user: "U0APPLA", text: "help" }))).toContain(
      "`/apply withdraw <community>`",
    );
    expect(text(await b.command("/apply nope", { user: "U0APPLA", text: "<!channel>" }))).toContain(
      'There\'s no community called "&lt;!channel&gt;" here. Try one of: makers, tiny, closed, pair.',
    );
    expect(text(await b.command("/apply status (none)", { user: "U0APPLA", text: "status" }))).toContain(
      "You have no requests",
    );

    const { requestId } = await b.apply("U0APPLA", "makers", { "q:why": "Status please" });
    await b.cardOf(requestId);
    const status = await b.command("/apply status", { user: "U0APPLA", text: "status" });
    expect(status.json).toMatchObject({ response_type: "ephemeral" });
    expect(text(status)).toContain("*Makers*: Waiting for review");
    const pending = await b.command("/apply while pending", { user: "U0APPLA", text: "makers" });
    expect(text(pending)).toContain("You already have a request to join Makers waiting for review.");

    // With one open request, `/apply withdraw` needs no community (several open: it lists them).
    const withdrawn = await b.command("/apply withdraw (the one open)", {
      user: "U0APPLA",
      text: "withdraw",
    });
    expect(text(withdrawn)).toBe("Your request to join Makers was withdrawn.");
    expect(
      text(await b.command("/apply withdraw makers (again)", { user: "U0APPLA", text: "withdraw makers" })),
    ).toBe("You have no open request to join Makers.");
    expect(text(await b.command("/apply withdraw (none open)", { user: "U0APPLA", text: "withdraw" }))).toBe(
      "You have no open request to join a community here.",
    );
    const update = await b.fake.waitFor((calls) => calls.find((c) => c.method === "chat.update" && c.ok), {
      what: "the card update",
    });
    expect(JSON.stringify(update.params.blocks)).toContain("*Withdrawn* by the applicant");
    expect(JSON.stringify(update.params.blocks)).not.toContain("gk_approve");
    expect(text(await b.command("/apply status (withdrawn)", { user: "U0APPLA", text: "status" }))).toContain(
      "*Makers*: Withdrawn",
    );
    // Free to apply again: the form opens.
    const opens = b.fake.succeeded("views.open").length;
    await b.command("/apply after withdrawing", { user: "U0APPLA", text: "makers" });
    expect(b.fake.succeeded("views.open")).toHaveLength(opens + 1);
  });

  it("waitlists an approval when full, tells the position, and admits when a member leaves", async () => {
    const b = await start();
    const first = await b.apply("U0APPLB", "tiny", { "q:why": "First" });
    await b.cardOf(first.requestId, "C0TINYREV");
    await b.click("approve first", {
      action: "gk_approve",
      requestId: first.requestId,
      user: "U0MOD1",
      channel: "C0TINYREV",
    });
    await b.fake.waitFor((calls) => calls.find(isDm("U0APPLB")), { what: "the first DM" });

    const second = await b.apply("U0APPLC", "tiny", { "q:why": "Second" });
    const secondCard = await b.cardOf(second.requestId, "C0TINYREV");
    await b.click("approve second (full)", {
      action: "gk_approve",
      requestId: second.requestId,
      user: "U0MOD1",
      channel: "C0TINYREV",
    });
    const waitDm = await b.fake.waitFor((calls) => calls.find(isDm("U0APPLC")), { what: "the waitlist DM" });
    expect(waitDm.params.text).toBe(
      "Your request to join Tiny Club was approved, but the community is full. You're on the waitlist at position 1 and will be let in when a seat frees up.",
    );
    await settle(b, second.requestId);
    const waitCard = b.fake.succeeded("chat.update").filter((c) => c.params.ts === secondCard);
    expect(JSON.stringify(waitCard.at(-1)?.params.blocks)).toContain("(position 1 on the waitlist)");
    expect(b.fake.succeeded("conversations.invite").map((c) => c.params.users)).toEqual(["U0APPLB"]);
    const status = await b.command("/apply status", { user: "U0APPLC", text: "status" });
    expect(String((status.json as { text: string }).text)).toContain(
      "*Tiny Club*: Approved, on the waitlist (position 1)",
    );

    // The first member leaves the channel: the seat goes to the waitlist.
    const left = await b.event(
      "member_left_channel",
      memberLeftEvent({ user: "U0APPLB", channel: "C0TINY" }),
    );
    expect(left.status).toBe(200);
    await b.fake.waitFor(
      (calls) =>
        calls.find((c) => c.method === "conversations.invite" && c.ok && c.params.users === "U0APPLC"),
      {
        what: "the waitlisted applicant's invite",
      },
    );
    const admitted = await b.fake.waitFor((calls) => calls.filter(isDm("U0APPLC"))[1], {
      what: "the admitted DM",
    });
    expect(admitted.params.text).toBe("A seat opened up: you're now a member of Tiny Club. Welcome!");
    // A retried event changes nothing twice.
    await b.event("member_left_channel (retry)", memberLeftEvent({ user: "U0APPLB", channel: "C0TINY" }), {
      retryNum: 1,
      retryReason: "http_timeout",
    });
    await settle(b, second.requestId);
    expect(b.fake.succeeded("conversations.invite")).toHaveLength(2);
  });

  it("refuses a community that is full and declining before any form opens", async () => {
    const b = await start();
    const answer = await b.command("/apply closed", { user: "U0APPLD", text: "closed" });
    expect(answer.json).toEqual({
      response_type: "ephemeral",
      text: "Closed Circle is full and not taking new requests right now.",
    });
    expect(b.fake.callsTo("views.open")).toHaveLength(0);
  });

  it("records the request with the profile unavailable when users.info is slow, and still answers in time", async () => {
    const b = await start();
    b.fake.failNext("users.info", { delayMs: 4000 });
    const { requestId, submitted } = await b.apply("U0APPLE", "makers", { "q:why": "Slow Slack" });
    expect(submitted.status).toBe(200);
    expect(submitted.ms).toBeLessThan(ANSWER_BOUND_MS);
    expect(viewText(submitted)).toContain("was received");
    const request = await Requests.get(b.server.runtime.core, requestId);
    expect(request?.profile.available).toBe(false);
    expect(request?.evaluation.rules.every((r) => !r.passed)).toBe(true);
    await b.cardOf(requestId);
    await settle(b, requestId);
  });

  it("explains an approval that meets a full community set to decline, and changes nothing", async () => {
    const b = await start();
    const first = await b.apply("U0APPLF", "pair", {});
    const second = await b.apply("U0APPLG", "pair", {});
    await b.cardOf(second.requestId, "C0PAIRREV");
    await b.click("approve first", {
      action: "gk_approve",
      requestId: first.requestId,
      user: "U0MOD1",
      channel: "C0PAIRREV",
    });
    await b.click("approve second (full)", {
      action: "gk_approve",
      requestId: second.requestId,
      user: "U0MOD1",
      channel: "C0PAIRREV",
    });
    const [ephemeral] = b.fake.succeeded("chat.postEphemeral");
    expect(ephemeral?.params).toMatchObject({
      channel: "C0PAIRREV",
      user: "U0MOD1",
      text: "Pair is full (1 of 1 seats taken) and set to decline new members while full, so nothing changed. Deny the request, or free a seat first.",
    });
    expect((await Requests.get(b.server.runtime.core, second.requestId))?.status).toBe("pending");
    // A second click on the decided request: "already approved by".
    await b.click("approve first again", {
      action: "gk_approve",
      requestId: first.requestId,
      user: "U0MOD1",
      channel: "C0PAIRREV",
    });
    expect(String(b.fake.succeeded("chat.postEphemeral")[1]?.params.text)).toMatch(
      /^This request was already approved by <@U0MOD1> on /,
    );
    await settle(b, first.requestId);
    expect(b.fake.succeeded("conversations.invite").map((c) => c.params.users)).toEqual(["U0APPLF"]);
  });

  it("reminds the moderators under the card, then expires the request and tells the applicant", async () => {
    const clock = testClock(new Date().toISOString());
    const b = await start(clock.now);
    const { requestId } = await b.apply("U0APPLH", "makers", { "q:why": "Waiting" });
    const cardTs = await b.cardOf(requestId);
    await settle(b, requestId);
    const { core, performers } = b.server.runtime;

    clock.advance(25 * 3_600_000);
    expect((await sweep(core, performers)).reminded).toBe(1);
    const reminder = await b.fake.waitFor(
      (calls) => calls.find((c) => c.method === "chat.postMessage" && c.params.thread_ts === cardTs),
      {
        what: "the reminder",
      },
    );
    expect(reminder.params.channel).toBe("C0REVIEW");
    expect(String(reminder.params.text)).toMatch(
      /^:alarm_clock: <@U0MOD1> <@U0MOD2> the request from Display U0APPLH to join Makers/,
    );

    clock.advance(14 * 24 * 3_600_000);
    expect((await sweep(core, performers)).expired).toBe(1);
    const dm = await b.fake.waitFor((calls) => calls.find(isDm("U0APPLH")), { what: "the expiry DM" });
    expect(dm.params.text).toContain("expired before a moderator could review it");
    const update = await b.fake.waitFor((calls) => calls.find((c) => c.method === "chat.update" && c.ok), {
      what: "the card update",
    });
    expect(JSON.stringify(update.params.blocks)).toContain("*Expired*");
    expect(JSON.stringify(update.params.blocks)).not.toContain("gk_approve");
  });
});
