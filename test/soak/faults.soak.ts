import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import * as Requests from "../../core/requests.js";
import { createSweeper } from "../../functions/sweeper.js";
import { modalSubmitInteraction, testMember } from "../support/discord-interactions.js";
import { community as discordCommunity, MOD_ROLE, type Scene, startScene } from "../support/discord-scene.js";
import type { Failure as DiscordFailure } from "../support/fake-discord.js";
import type { Failure as SlackFailure } from "../support/fake-slack.js";
import { type SlackBot, startSlackBot } from "../support/slack-bot.js";
import { discordInvariants, drain, slackInvariants } from "./invariants.js";

/**
 * Faults at random, on both platforms at once: for SOAK_MINUTES (default 10) both fakes fail 20%
 * of all calls (the interactions' own calls and the outbox's): a 5xx, a 429 with
 * `Retry-After`/`retry_after`, a timeout (the call answers after the client gave up, having been
 * performed), or a lost answer after success (performed, then the connection drops). Meanwhile a
 * stream of applications and decisions (approve, deny with a reason, double clicks) runs on each
 * platform, and the sweeper runs every 15 s as the cron would. Then the faults stop, the outbox
 * drains, and every request must be in a final or open state with every effect performed once,
 * and seats = holders of the access ≤ capacity.
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const RATE = 0.2;
const CAPACITY = 40;

const slackFailures: SlackFailure[] = [
  { status: 500 },
  { status: 429, retryAfter: 1 },
  { accept: "late", afterMs: 11_000 },
  { accept: "reset" },
];
const discordFailures: DiscordFailure[] = [
  { kind: "server-error" },
  { kind: "rate-limit", retryAfterSeconds: 1 },
  { kind: "accept", answer: "late", afterMs: 16_000 },
  { kind: "accept", answer: "reset" },
];
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

const SLACK_MODS = ["U0MODA", "U0MODB", "U0MODC"];
const SLACK_CONFIG = parseConfig(
  `
communities:
  - id: chaos
    name: Chaos
    platform: slack
    workspace: T0TEST
    reviewChannel: C0CHAOSREV
    moderators: { users: [${SLACK_MODS.join(", ")}] }
    grant: { channels: [C0CHAOS, C0CHAOS2] }
    capacity: ${CAPACITY}
    whenFull: waitlist
`,
  "chaos.yaml",
);

let slack: SlackBot;
let discord: Scene;
/** Moves the outbox's clock at the end, so every scheduled retry comes due. */
const skew = { ms: 0 };
const outboxNow = () => new Date(Date.now() + skew.ms);

beforeAll(async () => {
  slack = await startSlackBot(SLACK_CONFIG, { outboxNow });
  discord = await startScene(
    [discordCommunity({ id: "chaos-d", capacity: CAPACITY, whenFull: "waitlist" })],
    {
      outboxNow,
    },
  );
});
afterAll(async () => {
  if (slack) {
    slack.fake.chaos = undefined;
    await slack.close();
  }
  if (discord) {
    discord.h.fake.chaos = undefined;
    await discord.close();
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("random faults on both platforms", () => {
  it(`20% of platform calls fail for ${MINUTES} min during a stream of applications and decisions`, async () => {
    const counts = { slack: { faults: 0, calls: 0 }, discord: { faults: 0, calls: 0 } };
    slack.fake.chaos = () => {
      counts.slack.calls++;
      if (Math.random() >= RATE) return undefined;
      counts.slack.faults++;
      return pick(slackFailures);
    };
    discord.h.fake.chaos = () => {
      counts.discord.calls++;
      if (Math.random() >= RATE) return undefined;
      counts.discord.faults++;
      return pick(discordFailures);
    };
    const sweepers = [createSweeper(slack.server.runtime), createSweeper(discord.h.server.runtime)];
    const slackIds: string[] = [];
    const discordIds: string[] = [];
    const open = { slack: [] as string[], discord: [] as string[] };
    const tally = {
      slackApplied: 0,
      slackFormDidNotOpen: 0,
      discordApplied: 0,
      decisions: 0,
      doubleClicks: 0,
      answers: 0,
      slowestAnswerMs: 0,
      answers5xx: 0,
      /** Well-formed requests the bot refused as malformed (a test bug, or a screen too strict). */
      answers4xx: 0,
    };
    const seen = (a: { status: number; ms: number }) => {
      tally.answers++;
      tally.slowestAnswerMs = Math.max(tally.slowestAnswerMs, a.ms);
      if (a.status >= 500) tally.answers5xx++;
      else if (a.status >= 400) tally.answers4xx++;
    };
    const mod = testMember({}, [MOD_ROLE]);
    let n = 0;
    const until = Date.now() + MINUTES * 60_000;
    let nextSweep = Date.now() + 15_000;
    const tasks: Promise<unknown>[] = [];

    const slackApply = async (user: string) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const { requestId, opened, submitted } = await slack.apply(user, "chaos", {});
          seen(opened);
          seen(submitted);
          if (!(await Requests.get(slack.server.runtime.core, requestId))) continue;
          slackIds.push(requestId);
          open.slack.push(requestId);
          tally.slackApplied++;
          return;
        } catch {
          // The form did not open (views.open failed or answered too late): the person tries again.
          tally.slackFormDidNotOpen++;
          await sleep(500);
        }
      }
    };
    const slackDecide = async () => {
      const id = open.slack.splice(Math.floor(Math.random() * open.slack.length), 1)[0];
      if (!id) return;
      tally.decisions++;
      const clicks = Math.random() < 0.2 ? 2 : 1;
      if (clicks === 2) tally.doubleClicks++;
      const deny = Math.random() < 0.3;
      await Promise.all(
        Array.from({ length: clicks }, (_, k) =>
          (deny
            ? slack.submit(`deny ${id}`, {
                viewId: `VDENY${n}X${k}`,
                user: pick(SLACK_MODS),
                callbackId: "gk_deny_reason",
                metadata: JSON.stringify({ r: id }),
                values: { reason: "Not this time" },
              })
            : slack.click(`approve ${id}`, {
                action: "gk_approve",
                requestId: id,
                user: pick(SLACK_MODS),
                channel: "C0CHAOSREV",
              })
          ).then(seen),
        ),
      );
    };
    const discordApply = async () => {
      const member = testMember();
      const { answer, request } = await discord.submitForm(member, "chaos-d");
      seen({ status: answer.status, ms: answer.ms });
      discordIds.push(request.id);
      open.discord.push(request.id);
      tally.discordApplied++;
    };
    const discordDecide = async () => {
      const id = open.discord.splice(Math.floor(Math.random() * open.discord.length), 1)[0];
      if (!id) return;
      tally.decisions++;
      const clicks = Math.random() < 0.2 ? 2 : 1;
      if (clicks === 2) tally.doubleClicks++;
      const deny = Math.random() < 0.3;
      await Promise.all(
        Array.from({ length: clicks }, () =>
          (deny
            ? discord.post(
                `deny ${id}`,
                modalSubmit(discord, mod, `gk:reason:${id}`, { reason: "Not this time" }),
              )
            : discord.click(`approve ${id}`, mod, `gk:approve:${id}`)
          ).then((a) => seen({ status: a.status, ms: a.ms })),
        ),
      );
    };

    while (Date.now() < until) {
      n++;
      tasks.push(slackApply(`U0CH${n.toString().padStart(6, "0")}`).catch(() => undefined));
      tasks.push(discordApply().catch(() => undefined));
      if (n % 2 === 0) {
        tasks.push(slackDecide().catch(() => undefined));
        tasks.push(discordDecide().catch(() => undefined));
      }
      if (Date.now() > nextSweep) {
        nextSweep = Date.now() + 15_000;
        tasks.push(...sweepers.map((s) => s().catch(() => undefined)));
      }
      await sleep(1_000);
    }
    await Promise.all(tasks);
    // The faults stop; calls in flight finish (the slowest answer comes after 16 s), then every
    // scheduled retry is made due and the sweeper drains what is left.
    slack.fake.chaos = undefined;
    discord.h.fake.chaos = undefined;
    await sleep(20_000);
    skew.ms = 2 * 3_600_000;
    const nudge = async () => {
      await Promise.all(sweepers.map((s) => s().catch(() => undefined)));
    };
    const openSlack = await drain(slack.server.runtime.core, slackIds, 300_000, nudge);
    const openDiscord = await drain(discord.core(), discordIds, 300_000, nudge);
    const slackReport = await slackInvariants(
      slack.server.runtime.core,
      slack.fake,
      slack.community("chaos"),
      slackIds,
    );
    const discordReport = await discordInvariants(
      discord.core(),
      discord.h.fake,
      discord.community("chaos-d"),
      discordIds,
    );
    console.info(
      "[soak faults]",
      JSON.stringify({
        minutes: MINUTES,
        rate: RATE,
        faults: counts,
        ...tally,
        open: { slack: openSlack, discord: openDiscord },
        slack: slackReport,
        discord: discordReport,
      }),
    );
    expect(tally.answers5xx).toBe(0);
    expect(tally.answers4xx).toBe(0);
    for (const report of [slackReport, discordReport]) {
      expect(report.problems).toEqual([]);
      expect(report.unsettled).toEqual([]);
    }
  });
});

function modalSubmit(
  scene: Scene,
  member: ReturnType<typeof testMember>,
  customId: string,
  values: Record<string, string>,
) {
  return modalSubmitInteraction({ ...scene.base(member), customId, values });
}
