/**
 * `npm run bench`: the speed figures of the README, measured on this machine against a real
 * (embedded, in-memory) DynamoDB Local. Not part of `npm test`: timings vary with the machine,
 * and tests must not depend on them.
 *
 *   core:  submit and decide latency; 50 concurrent decisions on one request; 100 concurrent
 *          approvals into 10 seats; stream-to-effect latency (request recorded → card posted).
 *   http:  signed Slack and Discord interactions through the local server, answer times.
 */
import { performance } from "node:perf_hooks";
import { startDynamoDbLocal } from "../cli/local/dynamodb-local.js";
import { startServer } from "../cli/server.js";
import { parseConfig } from "../core/config/load.js";
import type { Core } from "../core/context.js";
import type { EffectState, PlatformEffects } from "../core/effects.js";
import { silentLogger } from "../core/log.js";
import * as Requests from "../core/requests.js";
import { settingsFromEnv } from "../core/settings.js";
import { benchHttp } from "./bench-http.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

export function line(label: string, samples: number[]): string {
  const s = stats(samples);
  const f = (v: number) => `${v.toFixed(1)} ms`.padStart(9);
  return `${label.padEnd(46)} n=${String(s.n).padStart(4)}  p50 ${f(s.p50)}  p95 ${f(s.p95)}  p99 ${f(s.p99)}  max ${f(s.max)}`;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

const config = parseConfig(
  JSON.stringify({
    communities: [
      {
        id: "bench",
        name: "Bench",
        platform: "slack",
        workspace: "T0BENCH",
        reviewChannel: "C0REVIEW",
        moderators: { users: ["U0MOD1"] },
        grant: { channels: ["C0MEMBERS"] },
        questions: [{ id: "why", label: "Why?", maxLength: 500 }],
        rules: { requireAvatar: true, minProfileScore: 40 },
        capacity: 1_000_000,
      },
      {
        id: "tight",
        name: "Tight",
        platform: "slack",
        workspace: "T0BENCH",
        reviewChannel: "C0REVIEW",
        moderators: { users: ["U0MOD1"] },
        grant: { channels: ["C0MEMBERS"] },
        capacity: 10,
      },
    ],
  }),
  "bench.yaml",
);

async function submit(core: Core, communityIndex: number, user: string) {
  const community = config.communities[communityIndex];
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

async function main() {
  const startedDb = performance.now();
  const db = await startDynamoDbLocal({});
  console.log(`DynamoDB Local (in memory) started in ${(performance.now() - startedDb).toFixed(0)} ms`);
  const posted = new Map<string, number>();
  const effects: PlatformEffects = {
    async postCard(state: EffectState) {
      posted.set(state.request.id, performance.now());
      return { channel: "C0REVIEW", id: state.request.id };
    },
    async updateCard() {},
    async notify() {},
    async grant() {},
    async remind() {},
  };
  const server = await startServer({
    settings: settingsFromEnv({ DYNAMODB_ENDPOINT: db.endpoint, TABLE_NAME: "gatekeeper-bench" }),
    config,
    port: 0,
    host: "127.0.0.1",
    log: silentLogger,
    sweepIntervalMs: false,
  });
  server.runtime.performers.slack = effects;
  const core = server.runtime.core;
  try {
    console.log("\ncore, against DynamoDB Local");
    const submits: number[] = [];
    const decides: number[] = [];
    const recordedAt = new Map<string, number>();
    for (let i = 0; i < ROUNDS; i++) {
      const [request, ms] = await timed(() => submit(core, 0, `U${i}`));
      recordedAt.set(request.id, performance.now());
      submits.push(ms);
      const [, dms] = await timed(() =>
        Requests.decide(core, {
          requestId: request.id,
          moderator: { kind: "user", id: "U0MOD1" },
          outcome: "approve",
        }),
      );
      decides.push(dms);
    }
    console.log(line("submit (validate, rules, 1 transaction)", submits));
    console.log(line("decide: approve (seat + transaction)", decides));

    const races: number[] = [];
    for (let r = 0; r < 10; r++) {
      const request = await submit(core, 0, `race-${r}`);
      const [outcomes, ms] = await timed(() =>
        Promise.all(
          Array.from({ length: 50 }, () =>
            Requests.decide(core, {
              requestId: request.id,
              moderator: { kind: "user", id: "U0MOD1" },
              outcome: "approve",
            }),
          ),
        ),
      );
      if (outcomes.filter((o) => o.kind === "decided").length !== 1)
        throw new Error("more than one decision won");
      races.push(ms);
    }
    console.log(line("50 concurrent decisions on one request (all)", races));

    const tight = await Promise.all(Array.from({ length: 100 }, (_, i) => submit(core, 1, `T${i}`)));
    const [, admitMs] = await timed(() =>
      Promise.all(
        tight.map((r) =>
          Requests.decide(core, {
            requestId: r.id,
            moderator: { kind: "user", id: "U0MOD1" },
            outcome: "approve",
          }),
        ),
      ),
    );
    console.log(line("100 concurrent approvals into 10 seats (all)", [admitMs]));

    const deadline = Date.now() + 30_000;
    while (posted.size < recordedAt.size && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const lags = [...recordedAt].flatMap(([id, at]) => {
      const p = posted.get(id);
      return p === undefined ? [] : [p - at];
    });
    console.log(line("recorded → card posted (stream poller, worker)", lags));
  } finally {
    await server.close();
  }

  console.log("\nhttp, signed requests through the local server (fake platform APIs on 127.0.0.1)");
  for (const row of await benchHttp(db.endpoint, ROUNDS)) console.log(row);
  await db.stop();
}

await main();
