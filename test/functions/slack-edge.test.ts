import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import * as Requests from "../../core/requests.js";
import { mutated } from "../support/fuzz.js";
import { type SlackBot, startSlackBot } from "../support/slack-bot.js";
import { buttonClick, memberLeftEvent, slashCommand, viewSubmission } from "../support/slack-payloads.js";
import { formBody, payloadBody } from "../support/slack-sign.js";

/**
 * The edge of `/slack/events`: whatever arrives, signed or not, well-formed or not, the answer is
 * never a 5xx (Slack would retry it). Bad input gets a 400 (or a 200 when it is Slack's own
 * housekeeping), and nothing is recorded.
 */

const CONFIG = parseConfig(
  `
communities:
  - id: makers
    name: Makers
    platform: slack
    workspace: T0TEST
    reviewChannel: C0REVIEW
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0MEMBERS] }
    questions:
      - { id: why, label: Why?, style: paragraph, maxLength: 200 }
`,
  "slack-edge.yaml",
);

let bot: SlackBot;
beforeAll(async () => {
  bot = await startSlackBot(CONFIG);
});
afterAll(() => bot.close());

const json = { contentType: "application/json" };

async function nothingRecorded(user = "U0APPL1") {
  expect(await Requests.listForApplicant(bot.server.runtime.core, "slack", "T0TEST", user)).toEqual([]);
}

describe("bad input on /slack/events", () => {
  it("answers 400, never 5xx, to signed bodies Bolt cannot handle", async () => {
    const view = viewSubmission({ viewId: "V0EDGE", metadata: "{}", values: {} });
    const click = buttonClick({ actionId: "gk_approve", value: "makers:V0EDGE" });
    const { view: _dropped, ...viewless } = view;
    const cases: [string, string, object?][] = [
      ["payload=null", "payload=null"],
      ["payload=[]", "payload=%5B%5D"],
      ["payload=7", "payload=7"],
      ['payload="text"', payloadBody("text")],
      ["payload={}", payloadBody({})],
      ["payload not JSON", "payload=%7Bnope"],
      ["JSON null", "null", json],
      ["JSON array", "[1,2]", json],
      ["JSON number", "42", json],
      ["JSON not JSON", "{nope", json],
      ["JSON {}", "{}", json],
      ["event: null", JSON.stringify({ type: "event_callback", team_id: "T0TEST", event: null }), json],
      ["event: 5", JSON.stringify({ type: "event_callback", team_id: "T0TEST", event: 5 }), json],
      [
        "event without type",
        JSON.stringify({ type: "event_callback", team_id: "T0TEST", event: { user: "U0X" } }),
        json,
      ],
      ["block_actions with user: null", payloadBody({ ...click, user: null })],
      ["block_actions with actions: null", payloadBody({ ...click, actions: null })],
      ["block_actions with actions: [null]", payloadBody({ ...click, actions: [null] })],
      ["view_submission without view", payloadBody(viewless)],
      ["view_submission with view: null", payloadBody({ ...view, view: null })],
      ["view_submission with user: null", payloadBody({ ...view, user: null })],
      [
        "view_submission with state: null",
        payloadBody({ ...view, view: { ...(view.view as object), state: null } }),
      ],
      [
        "slash command without command",
        formBody({ ...slashCommand(), command: "" }).replace("command=&", ""),
      ],
      ["form body with nothing", "", { contentType: "application/x-www-form-urlencoded" }],
      // Bolt keys its client pools by team id: these crashed it (found by the fuzz below).
      [
        "view_submission from team __proto__",
        payloadBody({ ...view, view: { ...(view.view as object), app_installed_team_id: "__proto__" } }),
      ],
      ["block_actions from team constructor", payloadBody({ ...click, team: { id: "constructor" } })],
      ["slash command from team __proto__", formBody(slashCommand({ team: "__proto__", text: "status" }))],
      [
        "event from team __proto__",
        JSON.stringify({
          type: "event_callback",
          team_id: "__proto__",
          event: { type: "member_left_channel", user: "U0X", channel: "C0MEMBERS" },
        }),
        json,
      ],
      ["unknown content type", "payload=null", { contentType: "text/plain" }],
    ];
    const answers: string[] = [];
    for (const [label, body, opts] of cases) {
      const answer = await bot.post(label, body, opts ?? {});
      answers.push(`${label}: ${answer.status}`);
    }
    expect(answers.filter((a) => !/: (400|200)$/.test(a))).toEqual([]);
    // The ones that are definitely the client's fault are 400s.
    for (const label of [
      "payload=null",
      "JSON null",
      "block_actions with user: null",
      "view_submission without view",
    ]) {
      expect(answers).toContain(`${label}: 400`);
    }
    await nothingRecorded();
    expect(bot.fake.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
  });

  it("never answers 5xx to signed arbitrary JSON, as a payload or as an event body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.boolean(), async (value, asPayload) => {
        const body = asPayload ? payloadBody(value) : JSON.stringify(value);
        const answer = await bot.post("fuzz", body, asPayload ? {} : json);
        expect([200, 400]).toContain(answer.status);
      }),
      { numRuns: 60 },
    );
    await nothingRecorded();
  });

  it("never answers 5xx to a signed valid payload with any one part replaced or removed", async () => {
    const view = viewSubmission({
      viewId: "V0FUZZ",
      user: "U0FUZZ",
      metadata: JSON.stringify({ c: "makers" }),
      values: { "q:why": "hi" },
    });
    const click = buttonClick({ actionId: "gk_approve", value: "r0123456789abcdef0123" });
    const left = memberLeftEvent({ user: "U0GONE", channel: "C0MEMBERS" });
    const command = slashCommand({ user: "U0FUZZ", text: "status" });
    const asForm = (v: unknown) =>
      formBody(
        Object.fromEntries(
          Object.entries(v && typeof v === "object" ? v : { v }).map(([k, x]) => [
            k,
            typeof x === "string" ? x : JSON.stringify(x),
          ]),
        ),
      );
    const seen: number[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated(view).map((v) => ({ body: payloadBody(v), opts: {} })),
          mutated(click).map((v) => ({ body: payloadBody(v), opts: {} })),
          mutated(left).map((v) => ({ body: JSON.stringify(v) ?? "", opts: json })),
          mutated(command).map((v) => ({ body: asForm(v), opts: {} })),
        ),
        async ({ body, opts }) => {
          const answer = await bot.post("mutated", body, opts);
          seen.push(answer.status);
          expect([200, 400]).toContain(answer.status);
        },
      ),
      { numRuns: 150 },
    );
    console.info(`mutated Slack payloads: ${seen.length} sent, answers ${JSON.stringify(countBy(seen))}`);
    expect(bot.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});

function countBy(values: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

describe("Slack's housekeeping on /slack/events", () => {
  it("answers the unsigned ssl_check with 200 and does nothing else", async () => {
    const before = bot.fake.calls.length;
    const res = await fetch(bot.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "ssl_check=1&token=abc123",
    });
    expect(res.status).toBe(200);
    expect(bot.fake.calls.length).toBe(before);
    expect(bot.logs.some((l) => l.includes("ssl_check"))).toBe(true);
  });

  it("still refuses anything else unsigned, including look-alikes of ssl_check", async () => {
    const lookAlikes: [string, string][] = [
      ["application/x-www-form-urlencoded", "ssl_check=1"],
      ["application/x-www-form-urlencoded", "ssl_check=2&token=abc"],
      ["application/x-www-form-urlencoded", "ssl_check=1&token=abc&command=%2Fapply&text=makers"],
      ["application/x-www-form-urlencoded", "ssl_check=1&token=abc&payload=%7B%7D"],
      ["application/x-www-form-urlencoded", "ssl_check=1&ssl_check=1&token=abc"],
      ["application/json", JSON.stringify({ ssl_check: "1", token: "abc" })],
      ["text/plain", "ssl_check=1&token=abc"],
      ["application/x-www-form-urlencoded", formBody(slashCommand({ text: "makers" }))],
    ];
    for (const [type, body] of lookAlikes) {
      const res = await fetch(bot.url, { method: "POST", headers: { "content-type": type }, body });
      expect(`${type} ${body}: ${res.status}`).toBe(`${type} ${body}: 401`);
    }
    await nothingRecorded();
  });

  it("answers a signed app_rate_limited callback with 200 and logs it", async () => {
    const answer = await bot.event("app_rate_limited", {
      token: "x",
      type: "app_rate_limited",
      team_id: "T0TEST",
      minute_rate_limited: 1518467820,
      api_app_id: "A0GATE",
    });
    expect(answer.status).toBe(200);
    // At warn: Slack is dropping this app's events, which an operator should see.
    expect(
      bot.logs.some((l) => l.includes("app_rate_limited") && l.includes("T0TEST") && l.includes('"WARN"')),
    ).toBe(true);
  });
});
