import { performance } from "node:perf_hooks";
import { expect, it } from "vitest";
import { parseConfig } from "../core/config/load.js";
import * as Requests from "../core/requests.js";
import { APPLICATION_ID, startDiscordHarness } from "../test/support/discord-harness.js";
import {
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  testMember,
} from "../test/support/discord-interactions.js";
import { startSlackBot } from "../test/support/slack-bot.js";
import { ROUNDS, row, table } from "./stats.js";

/**
 * Interaction answer times as the platforms see them: signed HTTP requests into the local
 * server (the Lambda handlers behind the thin adapter), DynamoDB Local, the real SDK clients
 * talking to fake Slack and Discord APIs on 127.0.0.1. The platforms give 3 seconds.
 */

const SLACK = parseConfig(
  `
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
    rules: { requireAvatar: true, minProfileScore: 40 }
`,
  "bench.yaml",
);

it("slack: /apply, form submission, Approve; 20 concurrent clicks; recorded → card", async () => {
  const bot = await startSlackBot(SLACK);
  const opens: number[] = [];
  const submits: number[] = [];
  const approves: number[] = [];
  const toCard: number[] = [];
  const races: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const user = `U${(1000 + i).toString(36).toUpperCase()}`;
      const { requestId, opened, submitted } = await bot.apply(user, "makers", { "q:why": "benchmarking" });
      const recorded = performance.now();
      opens.push(opened.ms);
      submits.push(submitted.ms);
      await bot.cardOf(requestId);
      toCard.push(performance.now() - recorded);
      const approved = await bot.click("approve", { action: "gk_approve", requestId, user: "U0MOD1" });
      expect(approved.status).toBe(200);
      approves.push(approved.ms);
    }
    for (let r = 0; r < 5; r++) {
      const { requestId } = await bot.apply(`URACE${r}`, "makers", { "q:why": "race" });
      await bot.cardOf(requestId);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          bot.click(`race ${i}`, { action: "gk_approve", requestId, user: i % 2 ? "U0MOD1" : "U0MOD2" }),
        ),
      );
      races.push(Math.max(...answers.map((a) => a.ms)));
      expect(
        (await Requests.auditTrail(bot.server.runtime.core, requestId)).filter(
          (e) => e.action === "approved",
        ),
      ).toHaveLength(1);
    }
  } finally {
    await bot.close();
  }
  console.log(
    table(`Slack interactions (${ROUNDS} applicants)`, [
      row("/apply (opens the modal: views.open)", opens),
      row("form submission (users.info, rules, record, answer)", submits),
      row("Approve click (decision transaction)", approves),
      row("slowest of 20 concurrent Approve clicks", races),
      row("answer sent → card posted (stream → worker → Slack)", toCard),
    ]),
  );
});

const GUILD = "100000000000000001";
const MOD = "100000000000000003";
const DISCORD = `
communities:
  - id: makers
    name: Makers
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "100000000000000002"
    moderators: { users: ["${MOD}"] }
    grant: { roles: ["100000000000000005"] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
    rules: { requireAvatar: true, minAccountAgeDays: 30 }
`;

it("discord: /apply, modal submit, Approve; 20 concurrent clicks; recorded → card", async () => {
  const h = await startDiscordHarness(DISCORD);
  const moderator = testMember({ id: MOD, username: "mod", global_name: "Moderator" });
  const base = (member: ReturnType<typeof testMember>) => ({
    guild: GUILD,
    member,
    applicationId: APPLICATION_ID,
  });
  const opens: number[] = [];
  const submits: number[] = [];
  const approves: number[] = [];
  const toCard: number[] = [];
  const races: number[] = [];
  const core = h.server.runtime.core;
  const apply = async () => {
    const member = testMember();
    const opened = await h.post(
      "/apply",
      commandInteraction({ ...base(member), name: "apply", options: { community: "makers" } }),
    );
    const submitted = await h.post(
      "submit",
      modalSubmitInteraction({
        ...base(member),
        customId: opened.json.data?.custom_id ?? "",
        values: { "q:why": "benchmarking" },
      }),
    );
    const recorded = performance.now();
    const [listed] = await Requests.listForApplicant(core, "discord", GUILD, member.user.id);
    if (!listed) throw new Error(`not recorded: ${JSON.stringify(submitted.json)}`);
    const card = await h.eventually(async () => (await Requests.get(core, listed.request.id))?.card, 30_000);
    return { opened, submitted, recorded, card, requestId: listed.request.id };
  };
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const { opened, submitted, recorded, card, requestId } = await apply();
      opens.push(opened.ms);
      submits.push(submitted.ms);
      toCard.push(performance.now() - recorded);
      const approved = await h.post(
        "Approve",
        buttonInteraction({
          ...base(moderator),
          customId: `gk:approve:${requestId}`,
          message: { id: card.id, channel_id: card.channel },
        }),
      );
      expect(approved.json).toEqual({ type: 6 });
      approves.push(approved.ms);
    }
    for (let r = 0; r < 5; r++) {
      const { card, requestId } = await apply();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          h.post(
            "race",
            buttonInteraction({
              ...base(moderator),
              customId: `gk:approve:${requestId}`,
              message: { id: card.id, channel_id: card.channel },
            }),
          ),
        ),
      );
      races.push(Math.max(...answers.map((a) => a.ms)));
    }
  } finally {
    await h.close();
  }
  console.log(
    table(`Discord interactions (${ROUNDS} applicants)`, [
      row("/apply (answers with the modal)", opens),
      row("modal submit (rules, record, answer)", submits),
      row("Approve click (decision, deferred update)", approves),
      row("slowest of 20 concurrent Approve clicks", races),
      row("answer sent → card posted (stream → worker → Discord)", toCard),
    ]),
  );
});
