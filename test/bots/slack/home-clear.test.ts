import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homeAsText } from "../../../bots/slack/blocks/home.js";
import type { JoinRequest } from "../../../core/model.js";
import * as Requests from "../../../core/requests.js";
import { configOf, slackCommunity, slackProfile, testClock } from "../../support/core.js";
import { type SlackBot, startSlackBot } from "../../support/slack-bot.js";
import { appHomeOpened, homeClick } from "../../support/slack-payloads.js";
import { payloadBody } from "../../support/slack-sign.js";

/**
 * Issue 11's "done when", on Slack: a moderator clears a queue of 50 from the App Home in a few
 * clicks, every id and value taken from the home the bot published (none typed by the test).
 * 34 pass every rule and 16 are flagged (no photo); 30 seats.
 */
const clock = testClock(new Date(Date.now() - 3 * 86_400_000).toISOString());
const MOD = "U0MOD1";
let bot: SlackBot;
let seeded: JoinRequest[];

interface Element {
  type: string;
  action_id?: string;
  value?: string;
  text?: { text: string };
  options?: { value: string }[];
}
interface Block {
  type: string;
  text?: { text: string };
  elements?: Element[];
}

const homeOf = (user: string) => (bot.fake.homes.get(user)?.blocks ?? []) as Block[];
const elements = (user: string) => homeOf(user).flatMap((b) => b.elements ?? []);
const elementWith = (user: string, prefix: string) =>
  elements(user).find((e) => e.action_id?.startsWith(prefix));
const homeText = (user: string) => homeAsText({ type: "home", blocks: homeOf(user) as never });

async function click(element: Element | undefined, selected?: string[]) {
  if (!element?.action_id) throw new Error("no such control on the home");
  const answer = await bot.post(
    element.action_id,
    payloadBody(
      homeClick({
        actionId: element.action_id,
        user: MOD,
        ...(selected ? { selected } : { value: element.value ?? "" }),
      }),
    ),
  );
  expect(answer.status).toBe(200);
  return answer;
}

beforeAll(async () => {
  const config = configOf(slackCommunity({ capacity: 30, rules: { requireAvatar: true } }));
  bot = await startSlackBot(config, { now: clock.now });
  const core = bot.server.runtime.core;
  const community = bot.community("makers");
  seeded = [];
  for (let i = 0; i < 50; i++) {
    const user = `U${String(200 + i)}`;
    const outcome = await Requests.submit(core, {
      community,
      submissionKey: `seed-${i}`,
      applicant: { userId: user, name: `Applicant ${i}` },
      answers: { why: "seeded" },
      profile: slackProfile(user, i % 3 === 2 ? { hasAvatar: false } : {}),
    });
    if (outcome.kind !== "recorded") throw new Error(outcome.kind);
    seeded.push(outcome.request);
    clock.advance(60_000);
  }
}, 300_000);

afterAll(async () => {
  await bot?.close();
});

describe("clearing a queue of 50 from the App Home", () => {
  it("takes four clicks: approve all passing, select the flagged, Deny selected, the reason", async () => {
    let clicks = 0;
    const opened = await bot.event(`app_home_opened ${MOD}`, appHomeOpened({ user: MOD }));
    expect(opened.status).toBe(200);
    await bot.fake.waitFor(() => bot.fake.homes.get(MOD));
    expect(homeText(MOD)).toContain("50 waiting · 34 pass every rule · 16 flagged");

    // 1. Approve all that pass every rule (after Slack's confirmation dialog).
    clicks++;
    await click(elementWith(MOD, "gk_home_bulk"));
    await bot.fake.waitFor(() => /30 approved, 4 waitlisted\./.test(homeText(MOD)) || undefined, {
      what: "the bulk report on the home",
      timeoutMs: 90_000,
    });
    expect(homeText(MOD)).toContain("16 waiting · 0 pass every rule · 16 flagged");

    // 2. Select every request the page shows (the 16 left fit one page of 20).
    const select = elementWith(MOD, "gk_home_select:");
    const values = select?.options?.map((o) => o.value) ?? [];
    expect(values).toHaveLength(16);
    const published = bot.fake.succeeded("views.publish").length;
    clicks++;
    await click(select, values);
    await bot.fake.waitFor(() => bot.fake.succeeded("views.publish").length > published || undefined);
    const deny = elementWith(MOD, "gk_home_selected:deny");
    expect(deny?.text?.text).toBe("Deny selected (16)");
    expect(elementWith(MOD, "gk_home_selected:approve")?.text?.text).toBe("Approve selected (16)");

    // 3. Deny selected: the reason modal opens.
    const opens = bot.fake.succeeded("views.open").length;
    clicks++;
    await click(deny);
    const modal = await bot.fake.waitFor(
      (calls) => calls.filter((c) => c.method === "views.open" && c.ok)[opens],
    );
    const view = modal.params.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("gk_home_deny");

    // 4. The reason.
    clicks++;
    const submitted = await bot.submit("deny selected: reason", {
      viewId: String((modal.response?.view as { id?: string } | undefined)?.id ?? "V0X"),
      user: MOD,
      callbackId: view.callback_id,
      metadata: view.private_metadata,
      values: { reason: "Please add a profile photo and apply again" },
    });
    expect(submitted.status).toBe(200);
    await bot.fake.waitFor(() => /16 denied\./.test(homeText(MOD)) || undefined, {
      what: "the denial report on the home",
      timeoutMs: 90_000,
    });
    expect(homeText(MOD)).toContain("Nothing is waiting for review.");

    expect(clicks).toBe(4);
    const core = bot.server.runtime.core;
    const statuses = await Promise.all(seeded.map(async (r) => (await Requests.get(core, r.id))?.status));
    expect(statuses.filter((s) => s === "pending")).toHaveLength(0);
    expect(statuses.filter((s) => s === "approved")).toHaveLength(30);
    expect(statuses.filter((s) => s === "waitlisted")).toHaveLength(4);
    expect(statuses.filter((s) => s === "denied")).toHaveLength(16);
    for (const r of seeded.filter((_, i) => i % 3 === 2)) {
      expect((await Requests.get(core, r.id))?.decision?.reason).toBe(
        "Please add a profile photo and apply again",
      );
    }
    // Every applicant is told once, as a single click would.
    await bot.fake.waitFor(
      (calls) =>
        seeded.every((r) =>
          calls.some(
            (c) => c.method === "chat.postMessage" && c.ok && c.params.channel === r.applicant.userId,
          ),
        ) || undefined,
      { what: "every notice", timeoutMs: 90_000 },
    );
    for (const r of seeded) {
      expect(
        bot.fake.succeeded("chat.postMessage").filter((c) => c.params.channel === r.applicant.userId),
      ).toHaveLength(1);
    }
  });
});
