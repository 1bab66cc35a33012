import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homeAsText } from "../../../bots/slack/blocks/home.js";
import type { JoinRequest } from "../../../core/model.js";
import * as Requests from "../../../core/requests.js";
import { configOf, slackCommunity, slackProfile, testClock } from "../../support/core.js";
import { type SlackBot, startSlackBot } from "../../support/slack-bot.js";
import { appHomeOpened, homeClick } from "../../support/slack-payloads.js";
import { payloadBody } from "../../support/slack-sign.js";

/**
 * The Slack App Home through the local server and the fake Slack: what a moderator and an
 * applicant see, the filters and pages, Approve from the home, and "approve all that pass every
 * rule" recorded as a bulk decision the worker runs, reported on the home.
 */
const clock = testClock(new Date(Date.now() - 3 * 86_400_000).toISOString());
let bot: SlackBot;
let seeded: JoinRequest[];

type HomeView = { type?: string; blocks?: unknown[] };
const homeText = (view: HomeView | undefined) =>
  view ? homeAsText({ type: "home", blocks: (view.blocks ?? []) as never }) : "";

async function openHome(user: string): Promise<string> {
  const before = bot.fake.succeeded("views.publish").length;
  const answer = await bot.event(`app_home_opened ${user}`, appHomeOpened({ user }));
  expect(answer.status).toBe(200);
  await bot.fake.waitFor(
    (calls) => calls.filter((c) => c.method === "views.publish" && c.ok).length > before,
  );
  return homeText(bot.fake.homes.get(user));
}

async function click(user: string, actionId: string, value: string) {
  const before = bot.fake.succeeded("views.publish").length;
  const answer = await bot.post(actionId, payloadBody(homeClick({ actionId, value, user })));
  expect(answer.status).toBe(200);
  return { answer, before };
}

beforeAll(async () => {
  const config = configOf(slackCommunity({ capacity: 12, rules: { requireAvatar: true } }));
  bot = await startSlackBot(config, { now: clock.now });
  const core = bot.server.runtime.core;
  const community = bot.community("makers");
  // 25 requests, one a minute: every third without a photo (flagged); two through /apply itself.
  seeded = [];
  for (let i = 0; i < 25; i++) {
    const user = `U${String(100 + i)}`;
    if (i < 2) {
      if (i % 3 === 2) bot.fake.setUser({ id: user, name: user, profile: { is_custom_image: false } });
      const { requestId } = await bot.apply(user, "makers", { "q:why": `I am applicant ${i}` });
      const r = await Requests.get(core, requestId);
      if (!r) throw new Error("not recorded");
      seeded.push(r);
    } else {
      const outcome = await Requests.submit(core, {
        community,
        submissionKey: `seed-${i}`,
        applicant: { userId: user, name: `Applicant ${i}` },
        answers: { why: "seeded" },
        profile: slackProfile(user, i % 3 === 2 ? { hasAvatar: false } : {}),
      });
      if (outcome.kind !== "recorded") throw new Error(outcome.kind);
      seeded.push(outcome.request);
    }
    clock.advance(60_000);
  }
  await bot.cardOf(seeded[0]?.id ?? "");
}, 240_000);

afterAll(async () => {
  await bot?.close();
});

describe("the Slack App Home", () => {
  it("shows a moderator the queue oldest first, 20 a page, with filters, figures and Open card links", async () => {
    const text = await openHome("U0MOD1");
    expect(text).toContain("# Join requests: Makers");
    expect(text).toContain(
      "25 waiting · 17 pass every rule · 8 flagged · 0 waiting for a reply · page 1 of 2",
    );
    expect(text).toContain(
      "[All (25)*] [Passing every rule (17)] [Flagged (8)] [Waiting for a reply (0)] [Approve all that pass every rule*]",
    );
    const applicants = [...text.matchAll(/<@(U1\d\d)>/g)].map((m) => m[1]);
    expect(applicants).toEqual(seeded.slice(0, 20).map((r) => r.applicant.userId));
    expect(text).toContain("<@U100> (Display U100) · waited 25 min · score 100/100\n✓ the rule passed");
    expect(text).toContain("<@U102> (Applicant 2) · waited 23 min · score 75/100\n✗ failed: Profile photo");
    expect(text).toContain("[Approve*] [Deny] [Open card]");
    expect(text).toContain("[Next]");
    expect(text).toContain("Makers: the last 7 days");
    expect(text).toContain("Requests 25 · approved 0");
    // The card link is built from the card's channel and ts on the workspace's URL.
    const blocks = JSON.stringify(bot.fake.homes.get("U0MOD1"));
    const ts = await bot.cardOf(seeded[0]?.id ?? "");
    expect(blocks).toContain(`https://test.slack.com/archives/C0REVIEW/p${ts.replace(".", "")}`);
  });

  it("shows anyone else their own requests and where they stand", async () => {
    const text = await openHome("U101");
    expect(text).not.toContain("Join requests");
    expect(text).toContain("*Your requests*");
    expect(text).toContain("*Makers*: Waiting for review");
    const stranger = await openHome("U0STRANGER");
    expect(stranger).toContain("You have no requests to join a community here");
  });

  it("filters and pages", async () => {
    await click("U0MOD1", "gk_home_filter:flagged", "makers|flagged");
    await bot.fake.waitFor(
      () => homeText(bot.fake.homes.get("U0MOD1")).includes("[Flagged (8)*]") || undefined,
    );
    const flagged = homeText(bot.fake.homes.get("U0MOD1"));
    expect([...flagged.matchAll(/<@(U1\d\d)>/g)].map((m) => m[1])).toEqual(
      seeded.filter((_, i) => i % 3 === 2).map((r) => r.applicant.userId),
    );
    await click("U0MOD1", "gk_home_filter:all", "makers|all");
    await click("U0MOD1", "gk_home_page:next", "makers|2");
    await bot.fake.waitFor(() => homeText(bot.fake.homes.get("U0MOD1")).includes("page 2 of 2") || undefined);
    const page2 = homeText(bot.fake.homes.get("U0MOD1"));
    expect([...page2.matchAll(/<@(U1\d\d)>/g)].map((m) => m[1])).toEqual(
      seeded.slice(20).map((r) => r.applicant.userId),
    );
    expect(page2).toContain("[Previous]");
    await click("U0MOD1", "gk_home_page:prev", "makers|1");
  });

  it("approves from the home, and every moderator's home is refreshed", async () => {
    const first = seeded[0];
    if (!first) throw new Error("no seed");
    await openHome("U0MOD2");
    const answer = await bot.post(
      "home approve",
      payloadBody(homeClick({ actionId: "gk_approve", value: first.id, user: "U0MOD1" })),
    );
    expect(answer.status).toBe(200);
    for (const mod of ["U0MOD1", "U0MOD2"]) {
      await bot.fake.waitFor(() => homeText(bot.fake.homes.get(mod)).includes("24 waiting") || undefined, {
        what: `${mod}'s home refreshed`,
      });
    }
    expect(homeText(bot.fake.homes.get("U0MOD2"))).not.toContain(`<@${first.applicant.userId}>`);
    expect((await Requests.get(bot.server.runtime.core, first.id))?.status).toBe("approved");
  });

  it("approves all that pass every rule in one click: recorded at once, run by the worker, reported on the home", async () => {
    const { answer } = await click("U0MOD1", "gk_home_bulk", "makers|passing");
    expect(answer.ms).toBeLessThan(2500);
    await bot.fake.waitFor(
      () => /\d+ approved, \d+ waitlisted\./.test(homeText(bot.fake.homes.get("U0MOD1"))) || undefined,
      { what: "the bulk report on the home", timeoutMs: 60_000 },
    );
    const text = homeText(bot.fake.homes.get("U0MOD1"));
    // 12 seats: one taken by the single approval, 11 more; the other 5 passing ones wait.
    expect(text).toContain("11 approved, 5 waitlisted.");
    expect(text).toContain("8 waiting · 0 pass every rule · 8 flagged");
    const core = bot.server.runtime.core;
    const statuses = await Promise.all(seeded.map(async (r) => (await Requests.get(core, r.id))?.status));
    const passing = seeded.map((_, i) => i % 3 !== 2);
    expect(statuses.filter((s, i) => passing[i] && s === "approved")).toHaveLength(12);
    // Seats went in queue order: the passing requests after the 12th wait.
    const order = statuses.filter((_, i) => passing[i]);
    expect(order).toEqual([...new Array(12).fill("approved"), ...new Array(5).fill("waitlisted")]);
    // One notice each.
    const passingUsers = seeded.filter((_, i) => passing[i]).map((r) => r.applicant.userId);
    await bot.fake.waitFor(
      (calls) =>
        passingUsers.every((u) =>
          calls.some((c) => c.method === "chat.postMessage" && c.ok && c.params.channel === u),
        ) || undefined,
      { what: "every notice", timeoutMs: 60_000 },
    );
    for (const u of passingUsers) {
      expect(bot.fake.succeeded("chat.postMessage").filter((c) => c.params.channel === u)).toHaveLength(1);
    }
    // The same click again (Slack's double click): nothing more to decide.
    const again = await click("U0MOD1", "gk_home_bulk", "makers|passing");
    expect(again.answer.status).toBe(200);
    expect(statuses.filter((s) => s === "pending")).toHaveLength(8);
  });

  it("approves the requests selected on the page, in queue order, and clears the selection", async () => {
    await openHome("U0MOD1");
    const blocks = (bot.fake.homes.get("U0MOD1")?.blocks ?? []) as {
      elements?: {
        action_id?: string;
        value?: string;
        text?: { text: string };
        options?: { value: string }[];
      }[];
    }[];
    const controls = blocks.flatMap((b) => b.elements ?? []);
    const select = controls.find((e) => e.action_id?.startsWith("gk_home_select:"));
    const two = (select?.options ?? []).slice(0, 2).map((o) => o.value);
    expect(two).toHaveLength(2);
    const answer = await bot.post(
      "select two",
      payloadBody(
        homeClick({ actionId: select?.action_id ?? "", user: "U0MOD1", selected: [...two].reverse() }),
      ),
    );
    expect(answer.status).toBe(200);
    await bot.fake.waitFor(
      () =>
        homeText(bot.fake.homes.get("U0MOD1")).includes("[Approve selected (2)*] [Deny selected (2)]") ||
        undefined,
    );
    const { answer: approved } = await click("U0MOD1", "gk_home_selected:approve", "makers|approve");
    expect(approved.ms).toBeLessThan(2500);
    // Every seat is taken: both join the waitlist, the older one first.
    await bot.fake.waitFor(
      () => homeText(bot.fake.homes.get("U0MOD1")).includes("2 waitlisted.") || undefined,
      {
        what: "the report of approve selected",
        timeoutMs: 60_000,
      },
    );
    const core = bot.server.runtime.core;
    const [first, second] = await Promise.all(two.map((id) => Requests.get(core, id)));
    expect([first?.status, second?.status]).toEqual(["waitlisted", "waitlisted"]);
    expect((first?.decision?.at ?? "") <= (second?.decision?.at ?? "")).toBe(true);
    expect(homeText(bot.fake.homes.get("U0MOD1"))).not.toContain("Approve selected");
  });
});
