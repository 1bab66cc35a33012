import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { submissionKey } from "../bots/discord/interactions/form-flow.js";
import { parseConfig } from "../core/config/load.js";
import type { Community } from "../core/config/schema.js";
import { requestIdFor } from "../core/requests.js";
import {
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  type TestMember,
  testMember,
} from "../test/support/discord-interactions.js";
import { type DiscordTestKeys, discordTestKeys } from "../test/support/discord-sign.js";
import { type FakeDiscord, startFakeDiscord } from "../test/support/fake-discord.js";
import { type FakeSlack, startFakeSlack } from "../test/support/fake-slack.js";
import { buttonClick, nextTrigger, slashCommand, viewSubmission } from "../test/support/slack-payloads.js";
import { formBody, payloadBody, signedHeaders } from "../test/support/slack-sign.js";
import {
  type Answer,
  APPLICATION_ID,
  type Applicant,
  type Delivered,
  DISCORD_MODERATOR,
  GUILD,
  type Reply,
  type Request,
  type RunResult,
  SLACK_MODERATOR,
  SLACK_SECRET,
  type WorldInfo,
} from "./protocol.js";

/**
 * The outside world of the benchmark, in a thread of its own: the fake Slack and Discord APIs
 * and the people using them (applicants and moderators sending signed requests, like the
 * platforms do). The bot (local server, DynamoDB client) runs in the main thread, so a client's
 * own work never sits on the server's event loop.
 */

const ANSWER = { "q:why": "Benchmarking the door." };

interface Fakes {
  slack: FakeSlack;
  discord: FakeDiscord;
}

const fakes = new Map<string, Fakes>();
let keys: DiscordTestKeys | undefined;
let config: Community[] = [];

function fakesOf(name: string): Fakes {
  const found = fakes.get(name);
  if (!found) throw new Error(`no fakes named ${name}`);
  return found;
}

function community(id: string): Community {
  const found = config.find((c) => c.id === id);
  if (!found) throw new Error(`no community ${id}`);
  return found;
}

/** Runs `work` for every item with at most `concurrency` in flight. */
async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (item !== undefined) await work(item, index);
    }
  });
  await Promise.all(lanes);
}

/** Network failures seen by the clients (e.g. ECONNRESET), by cause; they count as failed answers. */
const networkErrors = new Map<string, number>();

/**
 * A client gives up on an answer after this long (counted as an error, like any unanswered
 * request): the platforms stop waiting after 3 s, and a stalled server must not hold the run for
 * the HTTP client's own 300 s.
 */
const GIVE_UP_MS = 30_000;

async function timedFetch(url: string, init: RequestInit): Promise<Answer & { text: string }> {
  const started = performance.now();
  const sentAt = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(GIVE_UP_MS) });
    const text = await res.text();
    return { ms: performance.now() - started, status: res.status, sentAt, answeredAt: Date.now(), text };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const key =
      error instanceof Error && error.name === "TimeoutError"
        ? `no answer in ${GIVE_UP_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? String(error));
    networkErrors.set(key, (networkErrors.get(key) ?? 0) + 1);
    return { ms: performance.now() - started, status: 0, sentAt, answeredAt: Date.now(), text: "" };
  }
}

// Slack

let slackUsers = 0;
function slackUser(run: string): string {
  slackUsers++;
  return `U${run.replace(/[^a-z0-9]/gi, "").toUpperCase()}${slackUsers.toString(36).toUpperCase().padStart(6, "0")}`;
}

function slackPost(server: string, body: string, contentType?: string) {
  return timedFetch(`${server}/slack/events`, {
    method: "POST",
    headers: signedHeaders(SLACK_SECRET, body, contentType ? { contentType } : {}),
    body,
  });
}

/** The view Slack opened for a trigger (what the fake answered to `views.open`). */
function openedView(fake: FakeSlack, index: Map<string, string>, cursor: { at: number }, trigger: string) {
  for (; cursor.at < fake.calls.length; cursor.at++) {
    const call = fake.calls[cursor.at];
    if (call?.method !== "views.open" || !call.ok) continue;
    const view = call.response?.view as { id?: string } | undefined;
    if (typeof call.params.trigger_id === "string" && view?.id) index.set(call.params.trigger_id, view.id);
  }
  return index.get(trigger);
}

async function slackApply(server: string, fake: FakeSlack, views: ViewIndex, a: Applicant): Promise<Answer> {
  const trigger = nextTrigger();
  const answer = await slackPost(
    server,
    formBody(slashCommand({ user: a.user, text: a.community, trigger, team: fake.teamId })),
  );
  const viewId = openedView(fake, views.index, views.cursor, trigger);
  if (answer.status !== 200 || !viewId) {
    return { ...answer, status: answer.status === 200 ? 599 : answer.status };
  }
  a.form = viewId;
  a.requestId = requestIdFor(community(a.community), viewId);
  requestOf.set(a.user, a.requestId);
  return answer;
}

async function slackSubmit(server: string, a: Applicant): Promise<Answer> {
  if (!a.form) return failed();
  const body = payloadBody(
    viewSubmission({
      viewId: a.form,
      user: a.user,
      metadata: JSON.stringify({ c: a.community }),
      values: ANSWER,
    }),
  );
  const answer = await slackPost(server, body);
  // Bolt answers an accepted submission with an empty body (the modal closes) or a message view;
  // a recording still running is answered "Saving your request…", its outcome comes later.
  return answer.text.includes("Saving your request") ? { ...answer, provisional: true } : answer;
}

async function slackApprove(server: string, a: Applicant): Promise<Answer> {
  if (!a.requestId) return failed();
  const body = payloadBody(
    buttonClick({
      actionId: "gk_approve",
      value: a.requestId,
      user: SLACK_MODERATOR,
      channel: community(a.community).reviewChannel,
      ...(a.card ? { messageTs: a.card } : {}),
    }),
  );
  return slackPost(server, body);
}

interface ViewIndex {
  index: Map<string, string>;
  cursor: { at: number };
}

// Discord

const members = new Map<string, TestMember>();
const moderator = testMember({ id: DISCORD_MODERATOR, username: "mod", global_name: "Moderator" });

function discordUser(): string {
  const member = testMember();
  members.set(member.user.id, member);
  return member.user.id;
}

async function discordPost(server: string, payload: unknown) {
  if (!keys) throw new Error("no keys");
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  return timedFetch(`${server}/discord/interactions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-signature-ed25519": keys.sign(timestamp, body),
      "x-signature-timestamp": timestamp,
    },
    body,
  });
}

const base = (member: TestMember) => ({ guild: GUILD, member, applicationId: APPLICATION_ID });

async function discordApply(server: string, a: Applicant): Promise<Answer> {
  const member = members.get(a.user);
  if (!member) return failed();
  const answer = await discordPost(
    server,
    commandInteraction({ ...base(member), name: "apply", options: { community: a.community } }),
  );
  const found = parseJson(answer.text)?.data?.custom_id;
  const customId = typeof found === "string" ? found : undefined;
  const formId = customId?.split(":")[3];
  if (answer.status !== 200 || !formId)
    return { ...answer, status: answer.status === 200 ? 599 : answer.status };
  a.form = customId;
  a.requestId = requestIdFor(community(a.community), submissionKey(a.user, formId));
  requestOf.set(a.user, a.requestId);
  return answer;
}

async function discordSubmit(server: string, a: Applicant): Promise<Answer> {
  const member = members.get(a.user);
  if (!member || !a.form) return failed();
  const answer = await discordPost(
    server,
    modalSubmitInteraction({ ...base(member), customId: a.form, values: ANSWER }),
  );
  // A deferral (5): the outcome comes later, through the interaction's webhook.
  return parseJson(answer.text)?.type === 5 ? { ...answer, provisional: true } : answer;
}

async function discordApprove(server: string, a: Applicant): Promise<Answer> {
  if (!a.requestId || !a.card) return failed();
  const answer = await discordPost(
    server,
    buttonInteraction({
      ...base(moderator),
      customId: `gk:approve:${a.requestId}`,
      message: { id: a.card, channel_id: community(a.community).reviewChannel },
    }),
  );
  return answer;
}

function parseJson(text: string): { type?: unknown; data?: { custom_id?: unknown } } | undefined {
  try {
    return JSON.parse(text) as { type?: unknown; data?: { custom_id?: unknown } };
  } catch {
    return undefined;
  }
}

const failed = (): Answer => ({ ms: 0, status: 0, sentAt: Date.now(), answeredAt: Date.now() });

// What the platforms received

const REQUEST_ID = /r[0-9a-f]{20}/;

/**
 * Cards posted (by request id) and DMs sent (by user id), with when the fake accepted them.
 * Read incrementally: each fake's calls are only appended to, so every call (and Discord message)
 * is looked at once, when answered, not on every poll (the runs poll while the bot works, and
 * re-reading tens of thousands of calls would take CPU from it).
 */
interface Seen {
  /** Calls read so far. */
  calls: number;
  /** Calls that were still in flight when read: read again next time. */
  inFlight: number[];
  /** Discord: messages read so far. */
  messages: number;
  cards: Delivered["cards"];
  dms: Delivered["dms"];
  /** Discord: DM channel → its user. */
  owners: Map<string, string>;
  /** Discord: request id → the first message naming it (its card). */
  messageOf: Map<string, string>;
}
const seen = new Map<string, Seen>();

function delivered(name: string, platform: "slack" | "discord"): Delivered {
  const { slack, discord } = fakesOf(name);
  const key = `${name}/${platform}`;
  let s = seen.get(key);
  if (!s) {
    s = { calls: 0, inFlight: [], messages: 0, cards: [], dms: [], owners: new Map(), messageOf: new Map() };
    seen.set(key, s);
  }
  const state = s;
  /** The calls to read now: those in flight last time, then the new ones. */
  const toRead = (total: number, answered: (i: number) => boolean): number[] => {
    const indexes = [...state.inFlight];
    for (; state.calls < total; state.calls++) indexes.push(state.calls);
    state.inFlight = indexes.filter((i) => !answered(i));
    return indexes.filter((i) => answered(i));
  };
  if (platform === "slack") {
    const answered = (i: number) => {
      const c = slack.calls[i];
      return c !== undefined && (c.answeredAt !== undefined || c.unanswered === true);
    };
    for (const i of toRead(slack.calls.length, answered)) {
      const call = slack.calls[i];
      if (!call) continue;
      if (call.method !== "chat.postMessage" || !call.ok) continue;
      const channel = String(call.params.channel ?? "");
      const ts = String(call.response?.ts ?? "");
      if (/^[UW]/.test(channel)) {
        s.dms.push({ user: channel, at: call.at });
        continue;
      }
      if (call.params.thread_ts) continue; // reminders
      // A pending card carries the request id in its buttons; a decided one names the applicant.
      const blocks = JSON.stringify(call.params.blocks ?? "");
      const id =
        blocks.match(REQUEST_ID)?.[0] ??
        [...blocks.matchAll(/<@(U[A-Z0-9]+)>/g)].map((m) => requestOf.get(m[1] ?? "")).find(Boolean);
      if (id) s.cards.push({ requestId: id, channel, message: ts, at: call.at });
    }
    return { cards: s.cards, dms: s.dms, rateLimited: slack.rateLimited };
  }
  let index = 0;
  for (const message of discord.messages.values()) {
    if (index++ < s.messages) continue;
    // The card's footer names the request (its buttons too, while it is pending).
    const id = JSON.stringify([message.embeds, message.components]).match(REQUEST_ID)?.[0];
    if (id && !s.messageOf.has(id)) s.messageOf.set(id, message.id);
  }
  s.messages = index;
  const answered = (i: number) => {
    const c = discord.calls[i];
    return c !== undefined && (c.status !== 0 || c.unanswered === true);
  };
  for (const i of toRead(discord.calls.length, answered)) {
    const call = discord.calls[i];
    if (!call) continue;
    if (call.method !== "POST" || call.status !== 200) continue;
    if (call.path === "/users/@me/channels") {
      const user = (call.body as { recipient_id?: string } | undefined)?.recipient_id;
      if (user) s.owners.set(discord.dmChannelOf(user), user);
      continue;
    }
    const channel = call.path.match(/^\/channels\/(\d+)\/messages$/)?.[1];
    if (!channel) continue;
    const user = s.owners.get(channel);
    if (user) {
      s.dms.push({ user, at: call.at });
      continue;
    }
    if ((call.body as { message_reference?: unknown } | undefined)?.message_reference) continue; // reminders
    const id = JSON.stringify(call.body ?? "").match(REQUEST_ID)?.[0];
    const message = id ? s.messageOf.get(id) : undefined;
    if (id && message) s.cards.push({ requestId: id, channel, message, at: call.at });
  }
  return { cards: s.cards, dms: s.dms, rateLimited: discord.rateLimited };
}

// Runs

const applicants = new Map<string, Applicant[]>();
/** Applicant user id → their request id, across runs. */
const requestOf = new Map<string, string>();

async function run(req: Extract<Request, { op: "run" }>): Promise<RunResult> {
  const { slack: fake } = fakesOf(req.fakes);
  const list: Applicant[] =
    req.phase === "apply"
      ? Array.from({ length: req.count }, () => ({
          user: req.platform === "slack" ? slackUser(req.label) : discordUser(),
          community: req.community,
        }))
      : (applicants.get(req.label) ?? []);
  if (req.phase === "apply") applicants.set(req.label, list);
  if (req.phase === "approve") {
    const cards = new Map(delivered(req.fakes, req.platform).cards.map((c) => [c.requestId, c.message]));
    for (const a of list) if (a.requestId) a.card = cards.get(a.requestId);
  }
  const views: ViewIndex = { index: new Map(), cursor: { at: 0 } };
  const answers: Answer[] = new Array(list.length);
  const step = async (a: Applicant, i: number) => {
    const slack = req.platform === "slack";
    let answer: Answer;
    if (req.phase === "apply")
      answer = slack ? await slackApply(req.server, fake, views, a) : await discordApply(req.server, a);
    else if (req.phase === "submit")
      answer = slack ? await slackSubmit(req.server, a) : await discordSubmit(req.server, a);
    else answer = slack ? await slackApprove(req.server, a) : await discordApprove(req.server, a);
    const { ms, status, sentAt, answeredAt } = answer;
    answers[i] = { ms, status, sentAt, answeredAt };
  };
  await pool(list, req.concurrency, step);
  return { answers, applicants: list.map(({ user, requestId }) => ({ user, requestId })) };
}

/** The whole join for each applicant (/apply then the form), arrivals spread evenly over a window. */
async function burst(req: Extract<Request, { op: "burst" }>): Promise<RunResult & { submits: Answer[] }> {
  const { slack: fake } = fakesOf(req.fakes);
  const list: Applicant[] = Array.from({ length: req.count }, () => ({
    user: req.platform === "slack" ? slackUser(req.label) : discordUser(),
    community: req.community,
  }));
  applicants.set(req.label, list);
  const views: ViewIndex = { index: new Map(), cursor: { at: 0 } };
  const applies: Answer[] = new Array(list.length);
  const submits: Answer[] = new Array(list.length);
  const started = performance.now();
  const spacing = req.windowMs / req.count;
  await Promise.all(
    list.map(async (a, i) => {
      const wait = started + i * spacing - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const slack = req.platform === "slack";
      applies[i] = slack ? await slackApply(req.server, fake, views, a) : await discordApply(req.server, a);
      submits[i] = slack ? await slackSubmit(req.server, a) : await discordSubmit(req.server, a);
    }),
  );
  const strip = ({ ms, status, sentAt, answeredAt, provisional }: Answer) => ({
    ms,
    status,
    sentAt,
    answeredAt,
    ...(provisional ? { provisional } : {}),
  });
  return {
    answers: applies.map(strip),
    submits: submits.map(strip),
    applicants: list.map(({ user, requestId }) => ({ user, requestId })),
  };
}

/** Empty HTTP round trips to the local server (the HTTP floor). */
async function floorHttp(url: string, count: number, concurrency: number): Promise<Answer[]> {
  const answers: Answer[] = new Array(count);
  await pool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (i) => {
      const { ms, status, sentAt, answeredAt } = await timedFetch(url, { method: "GET" });
      answers[i] = { ms, status, sentAt, answeredAt };
    },
  );
  return answers;
}

/** Bare PutItem round trips to DynamoDB Local (the database floor), from a client of its own. */
async function floorPut(endpoint: string, table: string, count: number, concurrency: number) {
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const answers: Answer[] = new Array(count);
  // One warm-up call: the first builds the client's signer and connections.
  await client.send(
    new PutItemCommand({ TableName: table, Item: { pk: { S: "floor" }, sk: { S: "warm" } } }),
  );
  await pool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (i) => {
      const started = performance.now();
      const sentAt = Date.now();
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: `floor#${concurrency}#${i}` }, sk: { S: "floor" }, n: { N: String(i) } },
        }),
      );
      answers[i] = { ms: performance.now() - started, status: 200, sentAt, answeredAt: Date.now() };
    },
  );
  client.destroy();
  return answers;
}

async function handle(req: Request): Promise<unknown> {
  switch (req.op) {
    case "start": {
      keys ??= discordTestKeys();
      config = parseConfig(req.config, "bench.yaml").communities;
      const [slack, discord] = await Promise.all([
        startFakeSlack(req.rateLimited ? { rateLimit: { messagesPerChannel: 1, windowMs: 1000 } } : {}),
        startFakeDiscord({
          applicationId: APPLICATION_ID,
          ...(req.rateLimited ? { rateLimit: { messagesPerChannel: 5, windowMs: 5000 } } : {}),
        }),
      ]);
      fakes.set(req.name, { slack, discord });
      const info: WorldInfo = {
        slackApiUrl: slack.apiUrl,
        slackToken: slack.token,
        slackTeam: slack.teamId,
        discordApiUrl: discord.apiUrl,
        discordToken: discord.token,
        discordPublicKey: keys.publicKeyHex,
      };
      return info;
    }
    case "stop": {
      const f = fakes.get(req.name);
      fakes.delete(req.name);
      seen.delete(`${req.name}/slack`);
      seen.delete(`${req.name}/discord`);
      await Promise.all([f?.slack.close(), f?.discord.close()]);
      return null;
    }
    case "floor-http":
      return floorHttp(req.url, req.count, req.concurrency);
    case "floor-put":
      return floorPut(req.endpoint, req.table, req.count, req.concurrency);
    case "run":
      return run(req);
    case "burst":
      return burst(req);
    case "delivered":
      return delivered(req.fakes, req.platform);
    case "network-errors": {
      const out = Object.fromEntries(networkErrors);
      networkErrors.clear();
      return out;
    }
    case "sign-slack":
      return signedHeaders(SLACK_SECRET, req.body, req.contentType ? { contentType: req.contentType } : {});
    case "sign-discord": {
      if (!keys) throw new Error("no keys");
      const timestamp = String(Math.floor(Date.now() / 1000));
      return { timestamp, signature: keys.sign(timestamp, req.body) };
    }
  }
}

parentPort?.on("message", (message: { id: number; request: Request }) => {
  handle(message.request).then(
    (value) => parentPort?.postMessage({ id: message.id, ok: true, value } satisfies Reply),
    (error: unknown) =>
      parentPort?.postMessage({
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies Reply),
  );
});
