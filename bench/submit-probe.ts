import { performance } from "node:perf_hooks";
import { startDynamoDbLocal } from "../cli/local/dynamodb-local.js";
import * as Capacity from "../core/capacity.js";
import { parseConfig } from "../core/config/load.js";
import type { Community } from "../core/config/schema.js";
import type { Core } from "../core/context.js";
import { silentLogger } from "../core/log.js";
import { createDynamoClient, createStore } from "../core/store/client.js";
import { ensureTable } from "../core/store/create-table.js";
import { apply } from "../core/usecases/apply.js";
import { submit } from "../core/usecases/submit.js";
import { summarize } from "./stats.js";

/**
 * The core's /apply and form submission (the use cases, as the handlers call them) for N
 * applicants at once into one community, straight against DynamoDB Local: every DynamoDB call
 * counted by command, every failed call by error and cancellation reason. What one /apply and
 * one submission cost the store, and what a burst does to it.
 * `npx tsx bench/submit-probe.ts [N] [auto|review]`
 */

const N = Number(process.argv[2] ?? 100);
const KIND = process.argv[3] === "review" ? "review" : "auto";

const yaml = `communities:
  - id: s-${KIND}
    name: Burst ${KIND}
    platform: slack
    workspace: T0TEST
    reviewChannel: C0BURST
    moderators: { users: [U0MOD] }
    grant: { channels: [C0MEMBERS] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
${KIND === "auto" ? "    autoApprove: true\n    capacity: 100\n    whenFull: waitlist\n" : ""}`;

const db = await startDynamoDbLocal({});
try {
  const client = createDynamoClient({ endpoint: db.endpoint, region: "us-east-1" });
  const store = createStore(client, "submit-probe");
  await ensureTable(client, store.table);
  const config = parseConfig(yaml, "probe.yaml");
  const core: Core = { store, config, now: () => new Date(), log: silentLogger };
  const community = config.communities[0] as Community;

  let calls: Record<string, number> = {};
  let ms: Record<string, number> = {};
  let failures: Record<string, number> = {};
  store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? "?").replace(/Command$/, "");
      calls[name] = (calls[name] ?? 0) + 1;
      const t = performance.now();
      try {
        return await next(args);
      } catch (error) {
        const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
        const reasons = (e.CancellationReasons ?? [])
          .map((r) => r.Code ?? "None")
          .filter((c) => c !== "None");
        const key = `${name}: ${e.name}${reasons.length ? ` (${[...new Set(reasons)].join(",")})` : ""}`;
        failures[key] = (failures[key] ?? 0) + 1;
        throw error;
      } finally {
        ms[name] = (ms[name] ?? 0) + (performance.now() - t);
      }
    },
    { step: "initialize", name: "probeCounter" },
  );
  const take = () => {
    const mean = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v / (calls[k] ?? 1))]));
    const out = { calls, failures, meanMs: mean };
    calls = {};
    failures = {};
    ms = {};
    return out;
  };

  const user = (i: number) => `UPROBE${String(i).padStart(5, "0")}`;
  const origin = (i: number) => ({ platform: "slack" as const, workspace: "T0TEST", userId: user(i) });
  const form = (i: number) => ({
    communityId: community.id,
    submissionKey: `V${i}`,
    answers: { why: "Probing." },
    profile: { platform: "slack" as const, userId: user(i), name: user(i), available: true, hasAvatar: true },
  });

  // Warm-up and one applicant alone: the calls one /apply and one submission make.
  await apply(core, origin(-1), community.id);
  await submit(core, origin(-1), form(-1));
  take();
  await apply(core, origin(0), community.id);
  console.log("one /apply:", JSON.stringify(take()));
  const t0 = performance.now();
  const one = await submit(core, origin(0), form(0));
  console.log(
    `one submission (${one.kind === "recorded" ? one.request.status : one.kind}, ${(performance.now() - t0).toFixed(0)} ms):`,
    JSON.stringify(take()),
  );

  // One at a time: what each call costs with nothing queued.
  const tSeq = performance.now();
  for (let i = 0; i < 20; i++) await submit(core, origin(10_000 + i), form(10_000 + i));
  console.log(
    `20 submissions one after another: ${((performance.now() - tSeq) / 20).toFixed(0)} ms each`,
    JSON.stringify(take()),
  );

  // N at once.
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: N }, async (_, k) => {
      const i = k + 1;
      const t = performance.now();
      try {
        const o = await submit(core, origin(i), form(i));
        return { ms: performance.now() - t, status: o.kind === "recorded" ? o.request.status : o.kind };
      } catch (error) {
        return { ms: performance.now() - t, status: `threw ${(error as Error).name}` };
      }
    }),
  );
  const wall = performance.now() - started;
  const statuses: Record<string, number> = {};
  for (const o of outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
  const s = summarize(outcomes.map((o) => o.ms));
  const { calls: c, failures: f, meanMs } = take();
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  console.log(
    `${N} submissions at once (${KIND}): p50 ${s.p50.toFixed(0)} p99 ${s.p99.toFixed(0)} max ${s.max.toFixed(0)} ms, all in ${wall.toFixed(0)} ms; ${JSON.stringify(statuses)}`,
  );
  console.log(`  calls: ${total} (${(total / N).toFixed(1)} per submission) ${JSON.stringify(c)}`);
  console.log(`  failed calls: ${JSON.stringify(f)}; mean time per call, ms: ${JSON.stringify(meanMs)}`);
  console.log(
    `  TransactWriteItems per submission: ${((c.TransactWriteItems ?? 0) / N).toFixed(2)}; seats used ${(await Capacity.seats(core, community)).used}`,
  );
  client.destroy();
} finally {
  await db.stop();
}
