import { performance } from "node:perf_hooks";
import { expect, inject, it } from "vitest";
import { startServer } from "../cli/server.js";
import type { Core } from "../core/context.js";
import type { EffectState, PlatformEffects } from "../core/effects.js";
import { silentLogger } from "../core/log.js";
import * as Requests from "../core/requests.js";
import { settingsFromEnv } from "../core/settings.js";
import { configOf, decideAs, slackCommunity } from "../test/support/core.js";
import { ROUNDS, row, table, timed } from "./stats.js";

/** The core against DynamoDB Local: what one request costs, and how contention behaves. */
const config = configOf(
  slackCommunity({ id: "bench", capacity: 1_000_000, rules: { requireAvatar: true, minProfileScore: 40 } }),
  slackCommunity({ id: "tight", capacity: 10, moderators: { users: ["U0MOD1"] } }),
);
const MOD = { kind: "user" as const, id: "U0MOD1" };

async function submit(core: Core, index: number, user: string) {
  const community = config.communities[index];
  if (!community) throw new Error("config");
  const outcome = await Requests.submit(core, {
    community,
    submissionKey: `bench-${user}`,
    applicant: { userId: user, name: user },
    answers: { why: "benchmarking" },
    profile: {
      platform: "slack",
      userId: user,
      name: user,
      available: true,
      hasAvatar: true,
      realName: user,
    },
  });
  if (outcome.kind !== "recorded") throw new Error(outcome.kind);
  return outcome.request;
}

it("core: submit, decide, contention, stream-to-effect latency", async () => {
  const posted = new Map<string, number>();
  const effects: PlatformEffects = {
    async postCard(state: EffectState) {
      posted.set(state.request.id, performance.now());
      return { channel: "C0REVIEW", id: state.request.id };
    },
    async updateCard() {},
    async notify() {},
    async grant() {},
    async revoke() {},
    async remind() {},
    async alert() {},
    async askApplicant() {},
    async openThread(_state, card) {
      return card;
    },
    async postInThread() {},
  };
  const server = await startServer({
    settings: settingsFromEnv({ DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"), TABLE_NAME: "gk-bench-core" }),
    config,
    port: 0,
    host: "127.0.0.1",
    log: silentLogger,
    sweepIntervalMs: false,
  });
  server.runtime.performers.slack = effects;
  const core = server.runtime.core;
  const rows: string[] = [];
  try {
    const submits: number[] = [];
    const decides: number[] = [];
    const recordedAt = new Map<string, number>();
    for (let i = 0; i < ROUNDS; i++) {
      const [request, ms] = await timed(() => submit(core, 0, `U${i}`));
      recordedAt.set(request.id, performance.now());
      submits.push(ms);
      const [, dms] = await timed(() => decideAs(core, MOD, { requestId: request.id, outcome: "approve" }));
      decides.push(dms);
    }
    rows.push(row("submit: 3 reads in parallel + 1 transaction", submits));
    rows.push(row("decide (approve): 2 reads + seat transaction", decides));

    const races: number[] = [];
    for (let r = 0; r < 10; r++) {
      const request = await submit(core, 0, `race-${r}`);
      const [outcomes, ms] = await timed(() =>
        Promise.all(
          Array.from({ length: 50 }, () =>
            decideAs(core, MOD, { requestId: request.id, outcome: "approve" }),
          ),
        ),
      );
      expect(outcomes.filter((o) => o.kind === "decided")).toHaveLength(1);
      races.push(ms);
    }
    rows.push(row("50 concurrent decisions on one request, all answered", races));

    const tight = await Promise.all(Array.from({ length: 100 }, (_, i) => submit(core, 1, `T${i}`)));
    const [, admitMs] = await timed(() =>
      Promise.all(tight.map((r) => decideAs(core, MOD, { requestId: r.id, outcome: "approve" }))),
    );
    rows.push(row("100 concurrent approvals into 10 seats, all answered", [admitMs]));

    const deadline = Date.now() + 60_000;
    while (posted.size < recordedAt.size && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const lags = [...recordedAt].flatMap(([id, at]) => {
      const p = posted.get(id);
      return p === undefined ? [] : [p - at];
    });
    rows.push(row("recorded → card performed (stream poller → worker)", lags));
  } finally {
    await server.close();
  }
  console.log(table(`core on DynamoDB Local (${ROUNDS} rounds)`, rows));
});
