import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { commandInteraction, modalSubmitInteraction, testMember } from "../support/discord-interactions.js";
import { GUILD, moderator, startTools, type Tools } from "../support/discord-tools.js";
import { type SlackBot, startSlackBot } from "../support/slack-bot.js";

/**
 * What each interaction costs in DynamoDB round trips while the platform waits for the answer:
 * every store call the handler makes between receiving `/apply`, the form or an Approve click
 * and answering it, through the real handlers and DynamoDB Local. Each call is a round trip on
 * the answer's path (p99 under load grows with them), so a redundant read shows here.
 */

interface Call {
  command: string;
  what: string;
  worker: boolean;
  /** A moderators' queue refresh (Slack's App Homes): coalesced per window, so not any one click's. */
  refresh: boolean;
  start: number;
  end: number;
}

/** Records the bot's store calls (its DocumentClient) while `on`; the outbox worker's are told apart. */
function recordCalls(doc: DynamoDBDocumentClient) {
  const state = { on: false, calls: [] as Call[] };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      // The test's own look-ups (is the outbox settled yet?) are nobody's cost.
      if (state.on && !/settledOutbox|discord-tools\.ts/.test(new Error().stack ?? "")) {
        const input = args.input as Record<string, unknown>;
        const key = input.Key as { pk?: string; sk?: string } | undefined;
        const items =
          (input.TransactItems as Record<string, { Key?: { sk?: string }; Item?: { sk?: string } }>[]) ?? [];
        const what = key
          ? `${String(key.pk).replace(/#.*/, "#")} ${String(key.sk).replace(/#.*/, "#")}`
          : items.length > 0
            ? `${items.length} items`
            : String(input.IndexName ?? input.KeyConditionExpression ?? "");
        // The outbox worker shares the client; its calls are not on an answer's path.
        const stack = new Error().stack ?? "";
        const worker = /core\/outbox|functions\/worker|\/effects\.ts/.test(stack);
        // The refresh task's work, and its entry's claim and settle (keyed by its window:
        // REQ#home-<community>-<window>). Asking for one (a put, on the click's path) is the click's.
        const refresh = worker && (/core\/tasks\.ts/.test(stack) || String(key?.pk).startsWith("REQ#home-"));
        const call = {
          command: (context.commandName ?? "").replace(/Command$/, ""),
          what,
          worker,
          refresh,
          start: performance.now(),
          end: Number.POSITIVE_INFINITY,
        };
        state.calls.push(call);
        try {
          return await next(args);
        } finally {
          call.end = performance.now();
        }
      }
      return next(args);
    },
    { step: "initialize", name: "storeCallCounter" },
  );
  return state;
}

/** The handler's calls: the outbox worker's (claims, settles, what its effects read) are not on the answer's path. */
const handlerCalls = (calls: Call[]) => calls.filter((c) => !c.worker);

const describeCalls = (calls: Call[]) => calls.map((c) => `${c.command} ${c.what}`).join(", ");

/** Round trips one after another (calls made in parallel count once): what the answer waits for. */
function rounds(calls: Call[]): number {
  let n = 0;
  let until = Number.NEGATIVE_INFINITY;
  for (const c of [...calls].sort((a, b) => a.start - b.start)) {
    if (c.start >= until) n++;
    until = c.start >= until ? c.end : Math.max(until, c.end);
  }
  return n;
}

function report(platform: string, counted: Record<string, Call[]>) {
  for (const [name, list] of Object.entries(counted))
    console.info(
      `${platform} ${name}: ${list.length} store calls in ${rounds(list)} rounds: ${describeCalls(list)}`,
    );
}

const SLACK = parseConfig(
  `
communities:
  - id: s-open
    name: Open Slack
    platform: slack
    workspace: T0TEST
    reviewChannel: C0REVIEW
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0MEMBERS] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
    rules: { requireAvatar: true, minProfileScore: 40 }
`,
  "store-calls.yaml",
);

const DISCORD_YAML = `
communities:
  - id: d-open
    name: Open Discord
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "100000000000000002"
    moderators: { users: ["${moderator.user.id}"] }
    grant: { roles: ["100000000000000005"] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
    rules: { requireAvatar: true, minAccountAgeDays: 30 }
`;

type Bound = Record<"apply" | "submit" | "approve", { calls: number; rounds: number }>;

/**
 * The most store calls and sequential rounds each answer may take (see the figures printed).
 * Before: the form took 5 calls in 3 rounds (the history query first), Approve 4 in 4 (the
 * request read again after its decision), on Slack 5 in 5 (with the queue views' refresh). The
 * form's 4th call, a read of the request itself to find a replay, went too: the standing names
 * the applicant's latest request (branch burst).
 */
const BOUND: Record<"slack" | "discord", Bound> = {
  slack: {
    apply: { calls: 1, rounds: 1 },
    submit: { calls: 3, rounds: 2 },
    approve: { calls: 4, rounds: 4 },
  },
  discord: {
    apply: { calls: 1, rounds: 1 },
    submit: { calls: 3, rounds: 2 },
    approve: { calls: 3, rounds: 3 },
  },
};

/**
 * The outbox worker's calls for one Approve: claim, state and settle of the grant, the notice and
 * the card update (a claim and a settle each, what each reads). Before: every entry read the seats,
 * which only the card shows (14).
 */
const WORKER_BOUND = { slack: 12, discord: 12 };
/**
 * Slack's queue views' refresh (claim, the moderator's home: its prefs and two queue queries,
 * settle). It is coalesced per 2-second window across every change of a community, so whether
 * one runs while a test watches one click is a matter of the clock: counted apart, bounded per run.
 */
const REFRESH_BOUND = 5;

/** The worker's calls from the click's answer until the outbox settles (the recorder is still on). */
async function workerCalls(
  state: ReturnType<typeof recordCalls>,
  settle: () => Promise<unknown>,
): Promise<{ decision: Call[]; refreshes: Call[] }> {
  const before = state.calls.filter((c) => c.worker);
  state.calls = [];
  state.on = true;
  try {
    await settle();
  } finally {
    state.on = false;
  }
  const all = [...before, ...state.calls.filter((c) => c.worker)];
  return { decision: all.filter((c) => !c.refresh), refreshes: all.filter((c) => c.refresh) };
}

/** Refresh calls come in runs of at most REFRESH_BOUND, one run per claim of the task. */
function expectRefreshesWithin(refreshes: Call[]) {
  const claims = refreshes.filter((c) => c.command === "UpdateItem").length / 2;
  expect(refreshes.length, describeCalls(refreshes)).toBeLessThanOrEqual(Math.ceil(claims) * REFRESH_BOUND);
}

function expectWithin(counted: Record<string, Call[]>, bound: Bound) {
  for (const name of ["apply", "submit", "approve"] as const) {
    const list = counted[name] ?? [];
    expect(list.length, `${name}: ${describeCalls(list)}`).toBeLessThanOrEqual(bound[name].calls);
    expect(rounds(list), `${name}: ${describeCalls(list)}`).toBeLessThanOrEqual(bound[name].rounds);
  }
}

describe("store round trips per answer", () => {
  describe("Slack", () => {
    let bot: SlackBot;
    let calls: ReturnType<typeof recordCalls>;
    beforeAll(async () => {
      bot = await startSlackBot(SLACK);
      calls = recordCalls(bot.server.runtime.core.store.doc);
    });
    afterAll(async () => {
      await bot.close();
    });

    it("/apply, the form and an Approve click each take a few round trips", async () => {
      const counted: Record<string, Call[]> = {};
      const during = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
        calls.calls = [];
        calls.on = true;
        try {
          return await work();
        } finally {
          calls.on = false;
          counted[name] = handlerCalls(calls.calls);
        }
      };
      // A first applicant warms the clients (and the table) up.
      const warm = await bot.apply("U0WARM1", "s-open", { "q:why": "Warm." });
      await bot.cardOf(warm.requestId);

      const user = "U0COUNT1";
      const trigger = "t-count-1";
      await during("apply", () => bot.command("/apply", { user, text: "s-open", trigger }));
      const open = bot.fake.succeeded("views.open").find((c) => c.params.trigger_id === trigger);
      const view = open?.response?.view as { id: string; private_metadata: string };
      const submitted = await during("submit", () =>
        bot.submit("form", {
          viewId: view.id,
          user,
          metadata: view.private_metadata,
          values: { "q:why": "Count." },
        }),
      );
      expect(submitted.status).toBe(200);
      const requestId = Requests.requestIdFor(bot.community("s-open"), view.id);
      await bot.cardOf(requestId);
      await settledOutbox(bot.server.runtime.core, requestId);
      const clicked = await during("approve", () =>
        bot.click("approve", { action: "gk_approve", requestId, user: "U0MOD1", channel: "C0REVIEW" }),
      );
      expect(clicked.status).toBe(200);
      const worker = await workerCalls(calls, () => settledOutbox(bot.server.runtime.core, requestId));
      expect((await Requests.get(bot.server.runtime.core, requestId))?.status).toBe("approved");

      report("Slack", counted);
      console.info(
        `Slack decision's outbox (grant, notice, card update): ${worker.decision.length} store calls: ${describeCalls(worker.decision)}; queue refreshes meanwhile: ${worker.refreshes.length} calls: ${describeCalls(worker.refreshes)}`,
      );
      expectWithin(counted, BOUND.slack);
      expect(worker.decision.length, describeCalls(worker.decision)).toBeLessThanOrEqual(WORKER_BOUND.slack);
      expectRefreshesWithin(worker.refreshes);
    });
  });

  describe("Discord", () => {
    let t: Tools;
    let calls: ReturnType<typeof recordCalls>;
    beforeAll(async () => {
      t = await startTools({ yaml: DISCORD_YAML });
      calls = recordCalls(t.core().store.doc);
    });
    afterAll(async () => {
      await t.close();
    });

    it("/apply, the form and an Approve click each take a few round trips", async () => {
      const counted: Record<string, Call[]> = {};
      const during = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
        calls.calls = [];
        calls.on = true;
        try {
          return await work();
        } finally {
          calls.on = false;
          counted[name] = handlerCalls(calls.calls);
        }
      };
      const warm = await t.apply(testMember(), "d-open", { "q:why": "Warm." });
      await t.card(warm.id);

      const member = testMember();
      const base = { guild: GUILD, member, applicationId: "900000000000000001" };
      const opened = await during("apply", () =>
        t.post("/apply", commandInteraction({ ...base, name: "apply", options: { community: "d-open" } })),
      );
      expect(opened.json.type).toBe(9);
      const submitted = await during("submit", () =>
        t.post(
          "submit",
          modalSubmitInteraction({
            ...base,
            customId: opened.json.data?.custom_id ?? "",
            values: { "q:why": "Count." },
          }),
        ),
      );
      expect(submitted.json.type).toBe(4);
      const list = await Requests.listForApplicant(t.core(), "discord", GUILD, member.user.id);
      const request = list[0]?.request;
      if (!request) throw new Error("no request recorded");
      const card = await t.card(request.id);
      await t.settled(request.id);
      const clicked = await during("approve", () =>
        t.click("approve", moderator, `gk:approve:${request.id}`, card),
      );
      expect(clicked.json).toEqual({ type: 6 });
      const worker = await workerCalls(calls, () => t.settled(request.id));
      expect((await Requests.get(t.core(), request.id))?.status).toBe("approved");

      report("Discord", counted);
      console.info(
        `Discord decision's outbox (grant, notice, card update): ${worker.decision.length} store calls: ${describeCalls(worker.decision)}; queue refreshes meanwhile: ${worker.refreshes.length} calls: ${describeCalls(worker.refreshes)}`,
      );
      expectWithin(counted, BOUND.discord);
      expect(worker.decision.length, describeCalls(worker.decision)).toBeLessThanOrEqual(
        WORKER_BOUND.discord,
      );
      expectRefreshesWithin(worker.refreshes);
    });
  });
});

async function settledOutbox(core: Parameters<typeof Outbox.entriesOf>[0], requestId: string) {
  for (let i = 0; i < 100; i++) {
    const entries = await Outbox.entriesOf(core, requestId);
    if (entries.length > 0 && entries.every((e) => ["done", "failed", "dead"].includes(e.status))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the outbox of ${requestId} did not settle`);
}
