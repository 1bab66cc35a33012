import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { BatchGetCommand, PutCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { startDynamoDbLocal } from "../cli/local/dynamodb-local.js";
import { type LocalServer, startServer } from "../cli/server.js";
import * as Capacity from "../core/capacity.js";
import { parseConfig } from "../core/config/load.js";
import type { Community } from "../core/config/schema.js";
import type { Core } from "../core/context.js";
import { createLogger, silentLogger } from "../core/log.js";
import { type JoinRequest, joinRequestSchema, keys } from "../core/model.js";
import * as Requests from "../core/requests.js";
import { settingsFromEnv } from "../core/settings.js";
import { createDynamoClient, createStore, type Store } from "../core/store/client.js";
import { ensureTable } from "../core/store/create-table.js";
import { TABLE } from "../core/store/table.js";
import { commandInteraction, testMember } from "../test/support/discord-interactions.js";
import { slashCommand } from "../test/support/slack-payloads.js";
import { formBody, signedHeaders } from "../test/support/slack-sign.js";
import {
  buildColdBundles,
  type ColdBundles,
  type ColdRow,
  coldStarts,
  discardColdBundles,
  functionUrlEvent,
  streamInsert,
} from "./cold-start.js";
import {
  type Answer,
  APPLICATION_ID,
  type Delivered,
  DISCORD_MODERATOR,
  GUILD,
  type Platform,
  type Reply,
  type Request,
  type RunResult,
  SLACK_MODERATOR,
  SLACK_SECRET,
  type WorldInfo,
} from "./protocol.js";
import { type CapacityRecorder, recordCapacity, type Totals } from "./recorder.js";
import { renderMarkdown } from "./report.js";
import { addFloors, median, ratio, round, type Summary, summarize } from "./stats.js";

/**
 * `npm run bench`: one run that starts DynamoDB Local, the local server (the Lambda handlers
 * behind the thin HTTP adapter, the stream poller driving the outbox worker) and fake Slack and
 * Discord APIs, measures, and writes bench/results/latest.json and latest.md. See the README's
 * "Performance" section for what each figure means. Knobs: BENCH_REQUESTS (300), BENCH_BURST (1000),
 * BENCH_OBSERVE_MS (10000), BENCH_COLD_RUNS (20), BENCH_ONLY (sections, e.g. `burst,cold`), BENCH_OUT
 * (file name instead of `latest`), BENCH_DEBUG. A run with `latest` as its name and every section
 * also rewrites the table in the README's performance section.
 */

/**
 * Applicants per latency row. 300 keeps the whole run under 10 minutes on a 2-core machine:
 * DynamoDB Local runs every call on one SQLite thread, and a row costs about 0.1 to 0.15 s of it
 * per applicant (the answers, then the outbox's card, grant, notice and card update), so 2,000
 * a row (`BENCH_REQUESTS=2000`, the issue's figure) took 935 s for the rows alone (2 December).
 */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const BURST = Number(process.env.BENCH_BURST ?? 1000);
const BURST_WINDOW_MS = 10_000;
const BURST_CAPACITY = 100;
/** Both fakes' limit on posting into one channel: Slack 1 per second, Discord 5 per 5 seconds. */
const CARDS_PER_SECOND = 1;
const OBSERVE_MS = Number(process.env.BENCH_OBSERVE_MS ?? 10_000);
/** How long a burst waits for answered forms to be recorded (answers can come first: "saving…"). */
const RECORD_WAIT_MS = Number(process.env.BENCH_RECORD_WAIT_MS ?? 240_000);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 20);
const COST_REQUESTS = Math.min(50, REQUESTS);
const CONCURRENCY = [1, 50] as const;
/** The local stream poller's idle interval (cli/local/stream-poller.ts); Lambda polls a shard 4 times a second. */
const POLL_MS = 100;
const SWEEP_MS = 60_000;
const PRICES = {
  source:
    "AWS public price lists, us-east-1, checked 2026-12-01: DynamoDB on-demand (Standard table class, since the 1 Nov 2024 reduction), Lambda arm64 (first 7.5 billion GB-s a month)",
  dynamoWriteRequestUnitPerMillion: 0.625,
  dynamoReadRequestUnitPerMillion: 0.125,
  lambdaRequestPerMillion: 0.2,
  lambdaArmGbSecond: 0.0000133334,
};
/** Function memory as deployed (stacks/bots.ts, stacks/worker.ts). */
const MEMORY_GB = { endpoint: 1, worker: 0.5 };

const REVIEW = { slack: "C0REVIEW", discord: "100000000000000002" };
const LATENCY_CONFIG = `
communities:
  - id: s-open
    name: Open Slack
    platform: slack
    workspace: T0TEST
    reviewChannel: ${REVIEW.slack}
    moderators: { users: [${SLACK_MODERATOR}] }
    grant: { channels: [C0MEMBERS] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
    rules: { requireAvatar: true, minProfileScore: 40 }
  - id: d-open
    name: Open Discord
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW.discord}"
    moderators: { users: ["${DISCORD_MODERATOR}"] }
    grant: { roles: ["100000000000000005"] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
    rules: { requireAvatar: true, minAccountAgeDays: 30 }
`;

function burstCommunity(platform: Platform, kind: "auto" | "review", channel: string): string {
  const slack = platform === "slack";
  return `
  - id: ${platform[0]}-${kind}
    name: Burst ${kind}
    platform: ${platform}
    workspace: "${slack ? "T0TEST" : GUILD}"
    reviewChannel: "${channel}"
    moderators: { users: ["${slack ? SLACK_MODERATOR : DISCORD_MODERATOR}"] }
    grant: { ${slack ? "channels: [C0MEMBERS]" : 'roles: ["100000000000000005"]'} }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
${kind === "auto" ? `    autoApprove: true\n    capacity: ${BURST_CAPACITY}\n    whenFull: waitlist\n` : ""}`;
}
const BURST_CONFIG = `communities:${burstCommunity("slack", "auto", "C0BURSTA")}${burstCommunity("slack", "review", "C0BURSTR")}${burstCommunity("discord", "auto", "100000000000000011")}${burstCommunity("discord", "review", "100000000000000012")}`;

const log = (line: string) => process.stderr.write(`${line}\n`);
/** For working on the benchmark: BENCH_ONLY=burst,cold runs those sections (and the floors) only. */
const only = (section: string) =>
  !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(",").includes(section);
const debug = (line: string) => {
  if (process.env.BENCH_DEBUG) log(line);
};

/** The world thread (bench/world.ts): fakes and clients. */
class World {
  private readonly worker = new Worker(new URL("./world.js", import.meta.url));
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private seq = 0;

  constructor() {
    this.worker.on("message", (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.value);
      else waiting?.reject(new Error(`world: ${reply.error}`));
    });
    this.worker.on("error", (error) => {
      for (const w of this.pending.values()) w.reject(error);
      this.pending.clear();
    });
  }

  call<T>(request: Request): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, request });
    });
  }

  close() {
    return this.worker.terminate();
  }
}

interface Bot {
  server: LocalServer;
  recorder: CapacityRecorder;
  /** A client of its own for inspecting the table (never recorded). */
  core: Core;
  errors: string[];
  close(): Promise<void>;
}

async function startBot(
  endpoint: string,
  info: WorldInfo,
  table: string,
  yaml: string,
  sweepIntervalMs: number | false,
): Promise<Bot> {
  const config = parseConfig(yaml, "bench.yaml");
  const errors: string[] = [];
  // Logs are formatted as in production (info level), then dropped; errors are kept for the report.
  const logger = createLogger("info", (line) => {
    if (line.startsWith('{"level":"error"')) errors.push(line);
  });
  const server = await startServer({
    settings: settingsFromEnv({
      DYNAMODB_ENDPOINT: endpoint,
      TABLE_NAME: table,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_BOT_TOKEN: info.slackToken,
      SLACK_API_URL: info.slackApiUrl,
      DISCORD_PUBLIC_KEY: info.discordPublicKey,
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_BOT_TOKEN: info.discordToken,
      DISCORD_API_URL: info.discordApiUrl,
    }),
    config,
    port: 0,
    host: "127.0.0.1",
    log: logger,
    sweepIntervalMs,
  });
  const store = createStore(createDynamoClient({ endpoint, region: "us-east-1" }), table);
  return {
    server,
    recorder: recordCapacity(server.runtime.core.store.doc),
    core: { store, config, now: () => new Date(), log: silentLogger },
    errors,
    close: () => server.close(),
  };
}

/** Outbox entries not yet settled (pending, running or waiting to retry). */
async function openEntries(store: Store): Promise<number> {
  const { Count } = await store.doc.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: TABLE.indexes.due.name,
      KeyConditionExpression: `${TABLE.indexes.due.partitionKey} = :o`,
      ExpressionAttributeValues: { ":o": keys.outbox },
      Select: "COUNT",
    }),
  );
  return Count ?? 0;
}

/**
 * Which of these requests are recorded: batched reads (100 keys a call), so a pass over a
 * thousand stays a few calls however loaded the store is (one read each, one after another,
 * held a 1,000-applicant burst's check for over 9 minutes while the outbox kept the store busy).
 */
async function recordedAmong(store: Store, ids: string[]): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    let wanted = ids.slice(i, i + 100).map((id) => keys.request(id));
    while (wanted.length > 0) {
      const { Responses, UnprocessedKeys } = await store.doc.send(
        new BatchGetCommand({
          RequestItems: { [store.table]: { Keys: wanted, ProjectionExpression: "id", ConsistentRead: true } },
        }),
      );
      for (const item of Responses?.[store.table] ?? []) if (typeof item.id === "string") found.push(item.id);
      wanted = (UnprocessedKeys?.[store.table]?.Keys ?? []) as typeof wanted;
    }
  }
  return found;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const settled = (bot: Bot, timeoutMs = 300_000) =>
  until("the outbox to settle", timeoutMs, async () =>
    (await openEntries(bot.core.store)) === 0 ? true : undefined,
  );

const failures = (answers: Answer[]) => answers.filter((a) => a.status !== 200).length;

interface Interaction {
  platform: Platform;
  interaction: "/apply" | "form submission" | "Approve click";
  concurrency: number;
  summary: Summary;
  failures: number;
}

interface EndToEnd {
  platform: Platform;
  concurrency: number;
  what: "submission → card posted" | "Approve click → notice delivered";
  summary: Summary;
}

/** /apply, form submission and Approve for `count` distinct applicants at `concurrency` clients. */
async function journey(
  world: World,
  bot: Bot,
  platform: Platform,
  concurrency: number,
  count: number,
  label: string,
): Promise<{ interactions: Interaction[]; endToEnd: EndToEnd[]; requestIds: string[]; users: string[] }> {
  const community = platform === "slack" ? "s-open" : "d-open";
  const run = (phase: "apply" | "submit" | "approve") =>
    world.call<RunResult>({
      op: "run",
      label,
      phase,
      platform,
      fakes: "latency",
      server: bot.server.url,
      community,
      count,
      concurrency,
    });
  const delivered = () => world.call<Delivered>({ op: "delivered", fakes: "latency", platform });

  const phases: string[] = [];
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases.push(`${name} ${round((now - mark) / 1000)} s`);
    mark = now;
  };
  const apply = await run("apply");
  phase("apply");
  const submit = await run("submit");
  phase("submit");
  const requestIds = submit.applicants.map((a) => a.requestId ?? "");
  const failed = failures(apply.answers) + failures(submit.answers);
  if (failed > 0) log(`  ${label}: ${failed} answers failed (counted as errors)`);
  // Cards are expected for the submissions that were answered.
  const wanted = new Set(requestIds.filter((id, i) => id && submit.answers[i]?.status === 200));
  const cards = await until(`${label}: the cards`, 600_000, async () => {
    const found = (await delivered()).cards.filter((c) => wanted.has(c.requestId));
    debug(`${label}: ${found.length} of ${wanted.size} cards`);
    return found.length >= wanted.size ? new Map(found.map((c) => [c.requestId, c.at])) : undefined;
  });
  phase("cards");
  const approve = await run("approve");
  phase("approve");
  const users = approve.applicants.map((a) => a.user);
  const userSet = new Set(users.filter((_, i) => approve.answers[i]?.status === 200));
  const dms = await until("the notices", 600_000, async () => {
    const found = new Map<string, number>();
    for (const dm of (await delivered()).dms)
      if (userSet.has(dm.user) && !found.has(dm.user)) found.set(dm.user, dm.at);
    return found.size >= userSet.size ? found : undefined;
  });
  phase("notices");
  await settled(bot);
  phase("settled");
  log(`  ${label}: ${phases.join(", ")}`);

  const interaction = (name: Interaction["interaction"], r: RunResult): Interaction => ({
    platform,
    interaction: name,
    concurrency,
    summary: summarize(r.answers.map((a) => a.ms)),
    failures: failures(r.answers),
  });
  const toCard = submit.answers.map((a, i) => (cards.get(requestIds[i] ?? "") ?? Number.NaN) - a.answeredAt);
  const toNotice = approve.answers.map((a, i) => (dms.get(users[i] ?? "") ?? Number.NaN) - a.answeredAt);
  return {
    interactions: [
      interaction("/apply", apply),
      interaction("form submission", submit),
      interaction("Approve click", approve),
    ],
    endToEnd: [
      { platform, concurrency, what: "submission → card posted", summary: summarize(toCard) },
      { platform, concurrency, what: "Approve click → notice delivered", summary: summarize(toNotice) },
    ],
    requestIds,
    users,
  };
}

interface CostRow {
  platform: Platform;
  requests: number;
  join: Totals;
  decision: Totals;
  perJoin: { read: number; write: number };
  perDecision: { read: number; write: number };
  perComplete: { read: number; write: number };
  dollarsPer1000: { dynamodb: number; lambda: number; total: number };
  lambda: {
    invocationsPerRequest: number;
    endpointMsPerRequest: number;
    workerMsPerRequest: number;
    gbSecondsPerRequest: number;
  };
}

interface BurstRow {
  platform: Platform;
  community: "autoApprove, capacity 100" | "reviewed";
  applicants: number;
  windowMs: number;
  apply: Summary;
  submit: Summary;
  all: Summary;
  failures: number;
  recorded: number;
  /** From the burst's start until every answered form was recorded (or the wait gave up). */
  recordedAllMs: number;
  /** Answered forms still not recorded when the wait gave up. */
  unrecorded: number;
  statuses: Record<string, number>;
  seatsUsed?: number | undefined;
  waitlist?: {
    length: number;
    distinctTickets: number;
    /** What the last in line is told. */
    lastPosition: number;
    outOfOrder: number;
    admittedAfterLaterArrivals: number;
  };
  applicantsWithOneRequest: number;
  cards: {
    delivered: number;
    duplicates: number;
    rateLimited: number;
    observedMs: number;
    firstMs: number | undefined;
    lastMs: number | undefined;
    perSecond: number;
    /** Until the last card: measured when all were delivered in the window, else a lower bound at the platform's limit. */
    untilLastMs: number;
    projected: boolean;
    entries: Record<string, number>;
  };
  invariant: boolean;
  /** DynamoDB calls the bot made from the burst's start to the end of the observation, all told. */
  store: { calls: number; perApplicant: number; perSecond: number };
  errors: number;
  errorLines: string[];
  /** Requests the clients could not complete (connection reset, …), by cause: counted in `failures`. */
  networkErrors: Record<string, number>;
}

async function burst(
  world: World,
  endpoint: string,
  platform: Platform,
  kind: "auto" | "review",
): Promise<BurstRow> {
  const name = `burst-${platform}-${kind}`;
  const info = await world.call<WorldInfo>({ op: "start", name, config: BURST_CONFIG, rateLimited: true });
  const bot = await startBot(endpoint, info, `gk-bench-${name}`, BURST_CONFIG, SWEEP_MS);
  const communityId = `${platform[0]}-${kind}`;
  const community = bot.core.config.communities.find((c) => c.id === communityId) as Community;
  try {
    // Every DynamoDB call the bot makes during the burst and the observation after it (answers,
    // outbox worker, sweeper): the demand on the store, next to what it served per second.
    bot.recorder.enabled = true;
    bot.recorder.take();
    const started = Date.now();
    const result = await world.call<RunResult & { submits: Answer[] }>({
      op: "burst",
      label: name,
      platform,
      fakes: name,
      server: bot.server.url,
      community: communityId,
      count: BURST,
      windowMs: BURST_WINDOW_MS,
    });
    const networkErrors = await world.call<Record<string, number>>({ op: "network-errors" });
    // An answer may come before its recording ends (Slack's "saving" form, Discord's deferral):
    // wait for every answered applicant's request to be recorded (nothing lost), within a bound.
    const answeredIds = result.applicants.flatMap((a, i) =>
      a.requestId && (result.submits[i]?.status ?? 0) === 200 ? [a.requestId] : [],
    );
    const unrecorded = new Set(answeredIds);
    const recordWaitUntil = Date.now() + RECORD_WAIT_MS;
    for (;;) {
      for (const id of await recordedAmong(bot.core.store, [...unrecorded])) unrecorded.delete(id);
      if (unrecorded.size === 0 || Date.now() > recordWaitUntil) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const recordedAllMs = Date.now() - started;
    log(
      `  ${name}: ${BURST} applicants answered, ${answeredIds.length - unrecorded.size} of ${answeredIds.length} answered forms recorded after ${(recordedAllMs / 1000).toFixed(1)} s; watching the cards for ${OBSERVE_MS / 1000} s`,
    );
    const deadline = Math.max(started + BURST_WINDOW_MS, Date.now()) + OBSERVE_MS;
    let delivered: Delivered;
    for (;;) {
      delivered = await world.call<Delivered>({ op: "delivered", fakes: name, platform });
      const mine = delivered.cards.filter((c) => c.channel === community.reviewChannel);
      if (mine.length >= BURST || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const observedMs = Date.now() - started;
    const storeCalls = bot.recorder.take().calls;
    bot.recorder.enabled = false;

    const items = await scan(bot.core.store);
    const requests = items
      .filter((i) => i.type === "request" && i.communityId === communityId)
      .map((i) => joinRequestSchema.parse(i));
    const statuses: Record<string, number> = {};
    for (const r of requests) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const perUser = new Map<string, number>();
    for (const r of requests) perUser.set(r.applicant.userId, (perUser.get(r.applicant.userId) ?? 0) + 1);
    const users = result.applicants.map((a) => a.user);
    const applicantsWithOneRequest = users.filter((u) => perUser.get(u) === 1).length;
    const entries: Record<string, number> = {};
    for (const i of items) {
      if (i.type === "effect" && i.communityId === communityId && i.name === "card.post") {
        const status = String(i.status);
        entries[status] = (entries[status] ?? 0) + 1;
      }
    }
    const cards = delivered.cards.filter((c) => c.channel === community.reviewChannel);
    const seen = new Map<string, number>();
    for (const c of cards) seen.set(c.requestId, (seen.get(c.requestId) ?? 0) + 1);
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    const times = cards.map((c) => c.at - started).sort((a, b) => a - b);
    const firstMs = times[0];
    const lastMs = times.at(-1);
    const span = firstMs !== undefined && lastMs !== undefined ? (lastMs - firstMs) / 1000 : 0;
    const perSecond = span > 0 ? (cards.length - 1) / span : cards.length;
    // Not all delivered in the window: the rest need at least their turn at the platform's limit.
    const remaining = BURST - seen.size;
    const projected = remaining > 0;
    const untilLastMs = projected ? observedMs + (remaining / CARDS_PER_SECOND) * 1000 : (lastMs ?? 0);

    let waitlist: BurstRow["waitlist"];
    let seatsUsed: number | undefined;
    if (kind === "auto") {
      seatsUsed = (await Capacity.seats(bot.core, community)).used;
      // The whole waitlist in ticket order, from the scan (a query would stop at 1 MB).
      const order = requests
        .filter((r) => r.status === "waitlisted")
        .sort((a, b) => (a.waitlist?.ticket ?? 0) - (b.waitlist?.ticket ?? 0));
      const byRequest = new Map(result.applicants.map((a, i) => [a.requestId, result.submits[i]]));
      const last = order.at(-1);
      waitlist = {
        length: order.length,
        distinctTickets: new Set(order.map((r) => r.waitlist?.ticket)).size,
        lastPosition: last ? ((await Capacity.waitlistPosition(bot.core, last)) ?? 0) : 0,
        outOfOrder: fifoViolations(order, byRequest),
        admittedAfterLaterArrivals: admittedAfter(requests, byRequest),
      };
    }
    const all = [...result.answers, ...result.submits];
    const seats = Math.min(BURST_CAPACITY, BURST);
    const invariant =
      requests.length === BURST &&
      applicantsWithOneRequest === BURST &&
      duplicates === 0 &&
      (entries.dead ?? 0) === 0 &&
      (entries.failed ?? 0) === 0 &&
      (kind === "review"
        ? statuses.pending === BURST
        : statuses.approved === seats &&
          (statuses.waitlisted ?? 0) === BURST - seats &&
          seatsUsed === seats &&
          waitlist?.length === BURST - seats &&
          waitlist.distinctTickets === BURST - seats &&
          waitlist.lastPosition === BURST - seats &&
          waitlist.outOfOrder === 0 &&
          waitlist.admittedAfterLaterArrivals === 0);
    return {
      platform,
      community: kind === "auto" ? "autoApprove, capacity 100" : "reviewed",
      applicants: BURST,
      windowMs: BURST_WINDOW_MS,
      apply: summarize(result.answers.map((a) => a.ms)),
      submit: summarize(result.submits.map((a) => a.ms)),
      all: summarize(all.map((a) => a.ms)),
      failures: failures(all),
      recorded: requests.length,
      recordedAllMs,
      unrecorded: unrecorded.size,
      statuses,
      seatsUsed,
      waitlist,
      applicantsWithOneRequest,
      cards: {
        delivered: seen.size,
        duplicates,
        rateLimited: delivered.rateLimited,
        observedMs,
        firstMs,
        lastMs,
        perSecond,
        untilLastMs,
        projected,
        entries,
      },
      invariant,
      store: {
        calls: storeCalls,
        perApplicant: storeCalls / BURST,
        perSecond: storeCalls / (observedMs / 1000),
      },
      errors: bot.errors.length,
      errorLines: bot.errors.slice(0, 5),
      networkErrors,
    };
  } finally {
    await bot.close();
    await world.call({ op: "stop", name });
  }
}

/**
 * When a submission's answer proves it was recorded: its answer's time, unless the answer came
 * before the recording ended ("saving…", a deferral), which proves nothing of its ticket.
 */
const recordedBy = (a: Answer | undefined) => (a && !a.provisional ? a.answeredAt : Number.POSITIVE_INFINITY);

/**
 * Waitlist order against arrival: for tickets i < j, applicant j's submission must not have been
 * answered (with its outcome) before applicant i's was even sent (then j came first, beyond doubt).
 */
function fifoViolations(order: JoinRequest[], submits: Map<string | undefined, Answer | undefined>): number {
  let latestSent = Number.NEGATIVE_INFINITY;
  let violations = 0;
  for (const r of order) {
    const a = submits.get(r.id);
    if (!a) continue;
    if (recordedBy(a) < latestSent) violations++;
    latestSent = Math.max(latestSent, a.sentAt);
  }
  return violations;
}

/** Waitlisted applicants whose submission was answered before an admitted one's was sent. */
function admittedAfter(
  requests: JoinRequest[],
  submits: Map<string | undefined, Answer | undefined>,
): number {
  const admittedSent = requests
    .filter((r) => r.status === "approved")
    .map((r) => submits.get(r.id)?.sentAt ?? Number.NEGATIVE_INFINITY);
  const latest = Math.max(...admittedSent);
  return requests.filter((r) => r.status === "waitlisted" && recordedBy(submits.get(r.id)) < latest).length;
}

async function scan(store: Store): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(new ScanCommand({ TableName: store.table, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function cost(
  world: World,
  bot: Bot,
  platform: Platform,
  floor: Summary,
  interactions: Interaction[],
): Promise<CostRow> {
  const { recorder } = bot;
  await settled(bot);
  recorder.enabled = true;
  recorder.take();
  recorder.takeEffects();
  const label = `cost-${platform}`;
  const community = platform === "slack" ? "s-open" : "d-open";
  const run = (phase: "apply" | "submit" | "approve") =>
    world.call<RunResult>({
      op: "run",
      label,
      phase,
      platform,
      fakes: "latency",
      server: bot.server.url,
      community,
      count: COST_REQUESTS,
      concurrency: 1,
    });
  await run("apply");
  const submitted = await run("submit");
  const wanted = new Set(submitted.applicants.map((a) => a.requestId));
  await until("the cards", 300_000, async () => {
    const d = await world.call<Delivered>({ op: "delivered", fakes: "latency", platform });
    return d.cards.filter((c) => wanted.has(c.requestId)).length >= wanted.size ? true : undefined;
  });
  await settled(bot);
  const join = recorder.take();
  const joinEffects = recorder.takeEffects();
  await run("approve");
  await settled(bot);
  const decision = recorder.take();
  const decisionEffects = recorder.takeEffects();
  recorder.enabled = false;

  const per = (t: Totals) => ({ read: t.read / COST_REQUESTS, write: t.write / COST_REQUESTS });
  const perJoin = per(join);
  const perDecision = per(decision);
  const perComplete = { read: perJoin.read + perDecision.read, write: perJoin.write + perDecision.write };
  // Worker time per request: its entries run in order in one invocation per state change.
  const workerMs = new Map<string, number>();
  for (const e of [...joinEffects, ...decisionEffects])
    workerMs.set(e.requestId, (workerMs.get(e.requestId) ?? 0) + e.ms);
  const workerMsPerRequest = median([...workerMs.values()]);
  // Endpoint time: what the handler spends, the client's answer time less the empty HTTP round trip.
  const endpointMsPerRequest = interactions
    .filter((i) => i.platform === platform && i.concurrency === 1)
    .reduce((sum, i) => sum + Math.max(0, i.summary.p50 - floor.p50), 0);
  // Invocations: 3 endpoint calls (/apply, submission, click); the worker once per state change
  // (the entries of one transaction arrive in one stream batch): recorded, decided.
  const invocationsPerRequest = 3 + 2;
  const gbSecondsPerRequest =
    (MEMORY_GB.endpoint * endpointMsPerRequest + MEMORY_GB.worker * workerMsPerRequest) / 1000;
  const dynamodb =
    1000 *
    ((perComplete.write * PRICES.dynamoWriteRequestUnitPerMillion +
      perComplete.read * PRICES.dynamoReadRequestUnitPerMillion) /
      1e6);
  const lambda =
    1000 *
    ((invocationsPerRequest * PRICES.lambdaRequestPerMillion) / 1e6 +
      gbSecondsPerRequest * PRICES.lambdaArmGbSecond);
  return {
    platform,
    requests: COST_REQUESTS,
    join,
    decision,
    perJoin,
    perDecision,
    perComplete,
    dollarsPer1000: { dynamodb, lambda, total: dynamodb + lambda },
    lambda: { invocationsPerRequest, endpointMsPerRequest, workerMsPerRequest, gbSecondsPerRequest },
  };
}

interface SeatRow {
  what: string;
  calls: number;
  summary: Summary;
  totalMs: number;
  statuses: Record<string, number>;
}

/**
 * Seat contention in isolation: the core's submit() for 100 auto-approved applicants at once
 * into a community with 100 seats, then 100 more once it is full (waitlisted), straight against
 * DynamoDB Local (no HTTP, no platform code): what taking a seat costs when everyone takes one.
 */
async function seatContention(endpoint: string): Promise<SeatRow[]> {
  const table = "gk-bench-seats";
  const client = createDynamoClient({ endpoint, region: "us-east-1" });
  await ensureTable(client, table);
  const config = parseConfig(BURST_CONFIG, "bench.yaml");
  const core: Core = { store: createStore(client, table), config, now: () => new Date(), log: silentLogger };
  const community = config.communities.find((c) => c.id === "s-auto") as Community;
  const rows: SeatRow[] = [];
  for (const [what, offset] of [
    ["100 at once into 100 free seats", 0],
    ["100 at once into the full community (waitlist)", 100],
  ] as const) {
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const user = `USEAT${offset + i}`;
        const t = performance.now();
        try {
          const outcome = await Requests.submit(core, {
            community,
            submissionKey: `seat-${user}`,
            applicant: { userId: user, name: user },
            answers: { why: "Seats." },
            profile: { platform: "slack", userId: user, name: user, available: true, hasAvatar: true },
          });
          const status = outcome.kind === "recorded" ? outcome.request.status : outcome.kind;
          return { ms: performance.now() - t, status };
        } catch (error) {
          // DynamoDB Local gives up on a transaction that waited too long for its locks (a 500).
          return {
            ms: performance.now() - t,
            status: `error (${error instanceof Error ? error.name : "?"})`,
          };
        }
      }),
    );
    const statuses: Record<string, number> = {};
    for (const o of outcomes) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
    rows.push({
      what,
      calls: outcomes.length,
      summary: summarize(outcomes.map((o) => o.ms)),
      totalMs: performance.now() - started,
      statuses,
    });
  }
  client.destroy();
  return rows;
}

async function coldStart(
  world: World,
  endpoint: string,
  info: WorldInfo,
  bundles: ColdBundles,
): Promise<ColdRow[]> {
  const table = "gk-bench-cold";
  const client = createDynamoClient({ endpoint, region: "us-east-1" });
  await ensureTable(client, table);
  const config = parseConfig(LATENCY_CONFIG, "bench.yaml");
  const core: Core = { store: createStore(client, table), config, now: () => new Date(), log: silentLogger };
  const slackCommunity = config.communities[0] as Community;
  const discordCommunity = config.communities[1] as Community;
  // One fresh card to post per worker run: a recorded request with its pending outbox entry.
  const entries = async (community: Community) => {
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const user = community.platform === "slack" ? `U0COLDW${i}` : testMember().user.id;
      const outcome = await Requests.submit(core, {
        community,
        submissionKey: `cold-${community.id}-${i}`,
        applicant: { userId: user, name: user },
        answers: { why: "Cold start." },
        profile: { platform: community.platform, userId: user, name: user, available: true, hasAvatar: true },
      });
      if (outcome.kind !== "recorded") throw new Error(`cold start setup: ${outcome.kind}`);
      const { Items } = await core.store.doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk AND sk = :sk",
          ExpressionAttributeValues: { ":pk": `REQ#${outcome.request.id}`, ":sk": "EFFECT#card.post" },
        }),
      );
      const item = Items?.[0];
      if (!item) throw new Error("cold start setup: no outbox entry");
      out.push(item);
    }
    return out;
  };
  const [slackEntries, discordEntries] = [await entries(slackCommunity), await entries(discordCommunity)];
  const slackApply = (i: number) => {
    const body = formBody(slashCommand({ user: `U0COLD${i}`, text: "s-open", team: "T0TEST" }));
    return functionUrlEvent("/slack/events", signedHeaders(SLACK_SECRET, body), body);
  };
  const discordApply = async () => {
    const body = JSON.stringify(
      commandInteraction({
        guild: GUILD,
        member: testMember(),
        applicationId: APPLICATION_ID,
        name: "apply",
        options: { community: "d-open" },
      }),
    );
    const signed = await world.call<{ timestamp: string; signature: string }>({ op: "sign-discord", body });
    return functionUrlEvent(
      "/discord/interactions",
      {
        "content-type": "application/json",
        "x-signature-ed25519": signed.signature,
        "x-signature-timestamp": signed.timestamp,
      },
      body,
    );
  };
  const http200 = (result: unknown) => {
    const status = (result as { statusCode?: number } | undefined)?.statusCode;
    if (status !== 200)
      throw new Error(`first call answered ${status}: ${JSON.stringify(result).slice(0, 300)}`);
  };
  const noFailures = (result: unknown) => {
    const failed = (result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
    if (!failed || failed.length > 0) throw new Error(`worker: ${JSON.stringify(result)}`);
  };
  const swept = (result: unknown) => {
    if (typeof (result as { expired?: unknown } | undefined)?.expired !== "number")
      throw new Error(`sweeper: ${JSON.stringify(result)}`);
  };
  const posted = (result: unknown) => {
    if (typeof (result as { redriven?: unknown } | undefined)?.redriven !== "object")
      throw new Error(`digest: ${JSON.stringify(result)}`);
  };
  const at = (list: Record<string, unknown>[], i: number) => list[i] ?? {};
  return coldStarts(
    {
      runs: COLD_RUNS,
      dynamodbEndpoint: endpoint,
      table,
      config,
      secrets: {
        SlackSigningSecret: SLACK_SECRET,
        SlackBotToken: info.slackToken,
        DiscordPublicKey: info.discordPublicKey,
        DiscordApplicationId: APPLICATION_ID,
        DiscordBotToken: info.discordToken,
      },
      env: {
        SLACK_API_URL: info.slackApiUrl,
        DISCORD_API_URL: info.discordApiUrl,
        SLACK_SIGNING_SECRET: SLACK_SECRET,
        SLACK_BOT_TOKEN: info.slackToken,
      },
      inputs: [
        { name: "slack", event: slackApply, check: http200 },
        { name: "discord", event: discordApply, check: http200 },
        { name: "slack-worker", event: (i) => streamInsert(at(slackEntries, i), i), check: noFailures },
        { name: "discord-worker", event: (i) => streamInsert(at(discordEntries, i), i), check: noFailures },
        { name: "slack-sweeper", event: () => ({}), check: swept },
        { name: "discord-sweeper", event: () => ({}), check: swept },
        { name: "slack-digest", event: () => ({}), check: posted },
        { name: "discord-digest", event: () => ({}), check: posted },
        {
          name: "bare-bolt",
          event: (i) => slackApply(COLD_RUNS + i),
          check: http200,
          atImport: {
            SLACK_SIGNING_SECRET: SLACK_SECRET,
            SLACK_BOT_TOKEN: info.slackToken,
            SLACK_API_URL: info.slackApiUrl,
          },
        },
        { name: "bare-put", event: () => ({}), check: http200, atImport: { DYNAMODB_ENDPOINT: endpoint } },
      ],
      log,
    },
    bundles,
  );
}

/** The README's performance section shows the latest table, between these markers. */
function spliceReadme(markdown: string): void {
  const readme = new URL("../README.md", import.meta.url);
  const text = readFileSync(readme, "utf8");
  const start = "<!-- bench:start (npm run bench writes this) -->";
  const end = "<!-- bench:end -->";
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  writeFileSync(readme, `${text.slice(0, from + start.length)}\n${markdown}${text.slice(to)}`);
}

/** Sections that failed, by name: one failing section does not cost the others' figures. */
const sectionsFailed: Record<string, string> = {};
async function guarded<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    sectionsFailed[name] = why;
    log(`  ${name} failed: ${why}`);
    return undefined;
  }
}

/** Every table the run uses (the latency rows, floors, seats, cold starts and each burst's own). */
const TABLES = [
  "gk-bench",
  "gk-bench-floor",
  "gk-bench-seats",
  "gk-bench-cold",
  "gk-bench-cost",
  ...(["slack", "discord"] as const).flatMap((p) => [
    `gk-bench-burst-${p}-auto`,
    `gk-bench-burst-${p}-review`,
  ]),
];

/**
 * Creates every table, and writes one item into each, before anything else is written.
 * DynamoDB Local reads a table's stream description on every call, and that read looks for the
 * table's first stream record by walking every stream record written before it, of any table
 * (`SELECT MIN(SequenceNumber) … WHERE StreamID = ?` in its SQLite). A table whose first record
 * came after the latency rows' hundreds of thousands served each call 5 to 6 times slower, for
 * good (PutItem 25 to 28 ms instead of 4 to 5, GetItem 13 to 15 instead of 3): the bursts ran at
 * 17.6 store calls a second, its one SQLite thread saturated on that read. Creating the table
 * early is not enough; its first record must be early too.
 */
async function createTables(endpoint: string): Promise<void> {
  const client = createDynamoClient({ endpoint, region: "us-east-1" });
  const doc = createStore(client, "gk-bench").doc;
  try {
    for (const table of TABLES) {
      await ensureTable(client, table);
      await doc.send(new PutCommand({ TableName: table, Item: { pk: "BENCH#first", sk: "BENCH#first" } }));
    }
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const load = { start: loadavg()[0] ?? 0, end: 0 };
  log(`bench: ${REQUESTS} requests per series, bursts of ${BURST}; load average ${load.start.toFixed(1)}`);
  const sectionSeconds: Record<string, number> = {};
  let lapped = performance.now();
  /** Closes a section: its time goes to the log and the results. */
  const lap = (name: string) => {
    const now = performance.now();
    sectionSeconds[name] = round((now - lapped) / 1000);
    lapped = now;
    log(`(${name}: ${sectionSeconds[name]} s)`);
  };
  // The cold starts' bundles are built while DynamoDB Local starts (nothing is measured yet).
  const bundling = only("cold") ? buildColdBundles() : undefined;
  bundling?.catch(() => undefined);
  const db = await startDynamoDbLocal({});
  await createTables(db.endpoint);
  const world = new World();
  let bundles: ColdBundles | undefined;
  try {
    const info = await world.call<WorldInfo>({
      op: "start",
      name: "latency",
      config: LATENCY_CONFIG,
      rateLimited: false,
    });
    // The sweeper runs as deployed: an outbox entry a worker left for later (a retry, a lapsed
    // lease, a batch out of time) is only ever taken again by it. Without it a 2,000-applicant row
    // at 50 clients waited its whole 600 s for 25 notices and card updates left due at "retry".
    const bot = await startBot(db.endpoint, info, "gk-bench", LATENCY_CONFIG, SWEEP_MS);
    // Made with the others, its first record written, by createTables.
    const floorTable = "gk-bench-floor";

    bundles = bundling ? await guarded("cold starts", () => bundling) : undefined;
    lap("start-up");
    log("floors: empty HTTP round trip, bare PutItem");
    const floors: Record<string, { http: Summary; put: Summary; interaction: Summary }> = {};
    for (const c of CONCURRENCY) {
      const http = summarize(
        (
          await world.call<Answer[]>({
            op: "floor-http",
            url: `${bot.server.url}/healthz`,
            count: REQUESTS,
            concurrency: c,
          })
        ).map((a) => a.ms),
      );
      const put = summarize(
        (
          await world.call<Answer[]>({
            op: "floor-put",
            endpoint: db.endpoint,
            table: floorTable,
            count: REQUESTS,
            concurrency: c,
          })
        ).map((a) => a.ms),
      );
      floors[`c${c}`] = { http, put, interaction: addFloors(http, put) };
    }

    lap("floors");
    const interactions: Interaction[] = [];
    const endToEnd: EndToEnd[] = [];
    for (const platform of ["slack", "discord"] as const) {
      for (const c of only("latency") ? CONCURRENCY : []) {
        const t = performance.now();
        const result = await guarded(`${platform} at ${c} client(s)`, () =>
          journey(world, bot, platform, c, REQUESTS, `${platform}-c${c}`),
        );
        if (!result) continue;
        interactions.push(...result.interactions);
        endToEnd.push(...result.endToEnd);
        log(
          `${platform} at ${c} client(s): ${result.interactions
            .map((i) => `${i.interaction} p50 ${round(i.summary.p50)} p99 ${round(i.summary.p99)} ms`)
            .join("; ")} (${round((performance.now() - t) / 1000)} s)`,
        );
      }
    }

    lap("latency");
    log("cost: capacity units of complete requests, one client");
    const costs: CostRow[] = [];
    const latencyErrors = bot.errors.length;
    await bot.close();
    // A bot of its own, on a table of its own, with no sweeper: only the measured requests' calls
    // are counted (a sweep of the latency rows' 1,200 requests inside the window tripled the write
    // units per request in one run and not in the next).
    const costBot = only("cost")
      ? await startBot(db.endpoint, info, "gk-bench-cost", LATENCY_CONFIG, false)
      : undefined;
    for (const platform of costBot ? (["slack", "discord"] as const) : []) {
      await guarded(`cost ${platform}`, async () => {
        if (costBot)
          costs.push(
            await cost(world, costBot, platform, (floors.c1 as { http: Summary }).http, interactions),
          );
      });
    }
    const costErrors = costBot?.errors.length ?? 0;
    await costBot?.close();
    lap("cost");

    const seats = only("seats") ? ((await guarded("seats", () => seatContention(db.endpoint))) ?? []) : [];
    for (const row of seats)
      log(
        `seats: ${row.what}: p50 ${round(row.summary.p50)} p99 ${round(row.summary.p99)} ms, ${JSON.stringify(row.statuses)}`,
      );

    lap("seats");
    log(`bursts: ${BURST} applicants in ${BURST_WINDOW_MS / 1000} s, rate-limited fakes`);
    const bursts: BurstRow[] = [];
    for (const platform of ["slack", "discord"] as const) {
      for (const kind of only("burst") ? (["auto", "review"] as const) : []) {
        const row = await guarded(`burst ${platform} ${kind}`, () =>
          burst(world, db.endpoint, platform, kind),
        );
        if (!row) continue;
        log(
          `  ${platform} ${kind}: answers p99 ${round(row.all.p99)} max ${round(row.all.max)} ms; ` +
            `${row.cards.delivered} cards in ${round(row.cards.observedMs / 1000)} s; invariant ${row.invariant ? "holds" : "BROKEN"}; ` +
            `recorded ${row.recorded}, ${row.failures} failed answers ${JSON.stringify(row.networkErrors)}; ` +
            `store: ${row.store.calls} calls (${round(row.store.perApplicant)} per applicant, ${round(row.store.perSecond)}/s)`,
        );
        debug(JSON.stringify(row));
        for (const line of row.errorLines) debug(line.slice(0, 400));
        bursts.push(row);
      }
    }

    lap("bursts");
    log(`cold starts: ${COLD_RUNS} fresh processes per bundle`);
    const built = bundles;
    bundles = undefined;
    const cold = built
      ? ((await guarded("cold starts", () => coldStart(world, db.endpoint, info, built))) ?? [])
      : [];
    lap("cold starts");

    load.end = loadavg()[0] ?? 0;
    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? "unknown",
        node: process.version,
        loadAverage: load,
      },
      durationSeconds: round((performance.now() - started) / 1000),
      sectionSeconds,
      settings: {
        requestsPerSeries: REQUESTS,
        concurrency: CONCURRENCY,
        burst: {
          applicants: BURST,
          windowMs: BURST_WINDOW_MS,
          observeMs: OBSERVE_MS,
          sweepEveryMs: SWEEP_MS,
        },
        outboxPollMs: POLL_MS,
        coldStartRuns: COLD_RUNS,
        costRequests: COST_REQUESTS,
        prices: PRICES,
        memoryGb: MEMORY_GB,
      },
      floors,
      interactions: interactions.map((i) => ({
        ...i,
        ratio: ratio(i.summary, (floors[`c${i.concurrency}`] as { interaction: Summary }).interaction),
      })),
      endToEnd,
      seats,
      bursts,
      costs,
      coldStarts: cold,
      errorsLogged: latencyErrors + costErrors,
      sectionsFailed,
    };
    mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
    const name = process.env.BENCH_OUT ?? "latest";
    const markdown = renderMarkdown(results);
    writeFileSync(
      new URL(`./results/${name}.json`, import.meta.url),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    writeFileSync(new URL(`./results/${name}.md`, import.meta.url), markdown);
    if (name === "latest" && !process.env.BENCH_ONLY) spliceReadme(markdown);
    log(`bench: done in ${results.durationSeconds} s; wrote bench/results/${name}.json and ${name}.md`);
  } finally {
    if (bundles) discardColdBundles(bundles);
    await world.close();
    await db.stop();
  }
}

export type Results = {
  date: string;
  machine: { cpus: number; model: string; node: string; loadAverage: { start: number; end: number } };
  durationSeconds: number;
  /** Where the time went, by section, in order. */
  sectionSeconds: Record<string, number>;
  settings: {
    requestsPerSeries: number;
    concurrency: readonly number[];
    burst: { applicants: number; windowMs: number; observeMs: number; sweepEveryMs: number };
    outboxPollMs: number;
    coldStartRuns: number;
    costRequests: number;
    prices: typeof PRICES;
    memoryGb: typeof MEMORY_GB;
  };
  floors: Record<string, { http: Summary; put: Summary; interaction: Summary }>;
  interactions: (Interaction & { ratio: Omit<Summary, "n"> })[];
  endToEnd: EndToEnd[];
  seats: SeatRow[];
  bursts: BurstRow[];
  costs: CostRow[];
  coldStarts: ColdRow[];
  errorsLogged: number;
  /** Sections that threw, with why: the rest of the run still reports. */
  sectionsFailed: Record<string, string>;
};

await main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
