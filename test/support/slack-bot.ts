import { inject } from "vitest";
import { toPlain } from "../../bots/slack/render.js";
import { type LocalServer, startServer } from "../../cli/server.js";
import type { Community, GatekeeperConfig } from "../../core/config/schema.js";
import { createLogger, type Logger } from "../../core/log.js";
import * as Messages from "../../core/messages.js";
import { requestIdFor } from "../../core/requests.js";
import { settingsFromEnv } from "../../core/settings.js";
import { testTableName } from "./dynamo.js";
import { type FakeSlack, startFakeSlack } from "./fake-slack.js";
import { buttonClick, nextTrigger, slashCommand, viewSubmission } from "./slack-payloads.js";
import { formBody, payloadBody, postSigned, type SignOptions, type SlackAnswer } from "./slack-sign.js";

/**
 * The whole bot as Slack sees it: the local server (real handlers, DynamoDB Local, the stream
 * poller driving the outbox worker) with the real Slack clients pointed at a fake Slack. Tests
 * send signed requests like Slack does and watch the fake's recorded calls.
 */

export const SECRET = "test-signing-secret";

export interface Timing {
  label: string;
  ms: number;
  status: number;
}

export interface SlackBot {
  server: LocalServer;
  fake: FakeSlack;
  url: string;
  timings: Timing[];
  /** Log lines of the bot (JSON), for assertions on what it logged. */
  logs: string[];
  community(id: string): Community;
  post(label: string, body: string, opts?: SignOptions): Promise<SlackAnswer>;
  command(
    label: string,
    o: { user: string; text?: string; trigger?: string; team?: string },
    opts?: SignOptions,
  ): Promise<SlackAnswer>;
  submit(
    label: string,
    o: {
      viewId: string;
      user: string;
      metadata: string;
      values: Record<string, string | null>;
      callbackId?: string;
      team?: string;
    },
    opts?: SignOptions,
  ): Promise<SlackAnswer>;
  click(
    label: string,
    o: {
      action: "gk_approve" | "gk_deny" | "gk_ask" | "gk_claim" | "gk_unclaim" | "gk_reply_open";
      /** The button's value: a request id (card buttons) or `<request>:<round>` (the DM's Reply). */
      requestId: string;
      user: string;
      channel?: string;
      trigger?: string;
      team?: string;
    },
  ): Promise<SlackAnswer>;
  event(label: string, payload: unknown, opts?: SignOptions): Promise<SlackAnswer>;
  /**
   * `/apply <community>` then the form as Slack would return it (the opened view's id and
   * metadata): the request id, and both answers.
   */
  apply(
    user: string,
    community: string,
    values: Record<string, string | null>,
  ): Promise<{ requestId: string; viewId: string; opened: SlackAnswer; submitted: SlackAnswer }>;
  /** Waits for the card of a request to be posted; returns its ts. */
  cardOf(requestId: string, channel?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSlackBot(
  config: GatekeeperConfig,
  opts: {
    logLevel?: "debug" | "info";
    now?: () => Date;
    /** The clock of outbox leases and retry times (default: the wall clock). */
    outboxNow?: () => Date;
  } = {},
): Promise<SlackBot> {
  const fake = await startFakeSlack();
  const logs: string[] = [];
  const log: Logger = createLogger(opts.logLevel ?? "info", (line) => {
    logs.push(line);
    if (process.env.GK_TEST_DEBUG) process.stderr.write(`${line}\n`);
  });
  const server = await startServer({
    settings: settingsFromEnv({
      DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"),
      TABLE_NAME: await testTableName("gk-slack"),
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: fake.token,
      SLACK_API_URL: fake.apiUrl,
    }),
    config,
    port: 0,
    host: "127.0.0.1",
    log,
    sweepIntervalMs: false,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.outboxNow ? { outboxNow: opts.outboxNow } : {}),
  });
  const url = `${server.url}/slack/events`;
  const timings: Timing[] = [];

  const post = async (label: string, body: string, o: SignOptions = {}): Promise<SlackAnswer> => {
    const answer = await postSigned(url, SECRET, body, o);
    timings.push({ label, ms: answer.ms, status: answer.status });
    const viewId = savingViewId(answer, body);
    if (!viewId) return answer;
    const update = await fake.waitFor(
      (calls) => calls.find((c) => c.method === "views.update" && c.ok && c.params.view_id === viewId),
      { what: `the outcome of ${label} (answered "saving")`, timeoutMs: 60_000 },
    );
    return { ...answer, json: { response_action: "update", view: update.params.view }, saving: answer.json };
  };
  const community = (id: string) => {
    const c = config.communities.find((x) => x.id === id);
    if (!c) throw new Error(`no community ${id}`);
    return c;
  };

  const bot: SlackBot = {
    server,
    fake,
    url,
    timings,
    logs,
    community,
    post,
    command: (label, o, s) => post(label, formBody(slashCommand(o)), s),
    submit: (label, o, s) =>
      post(
        label,
        payloadBody(
          viewSubmission({
            viewId: o.viewId,
            user: o.user,
            metadata: o.metadata,
            values: o.values,
            ...(o.callbackId ? { callbackId: o.callbackId } : {}),
            ...(o.team ? { team: o.team } : {}),
          }),
        ),
        s,
      ),
    click: (label, o) =>
      post(
        label,
        payloadBody(
          buttonClick({
            actionId: o.action,
            value: o.requestId,
            user: o.user,
            ...(o.channel ? { channel: o.channel } : {}),
            ...(o.team ? { team: o.team } : {}),
            trigger: o.trigger ?? nextTrigger(),
          }),
        ),
      ),
    event: (label, payload, s) =>
      post(label, JSON.stringify(payload), { ...s, contentType: "application/json" }),
    async apply(user, id, values) {
      const trigger = nextTrigger();
      const opened = await bot.command(`/apply ${id}`, { user, text: id, trigger });
      const open = fake.succeeded("views.open").find((c) => c.params.trigger_id === trigger);
      if (!open) throw new Error(`the form did not open (answer ${opened.status} ${opened.text})`);
      const view = open.response?.view as { id: string; private_metadata: string };
      const submitted = await bot.submit("form submission", {
        viewId: view.id,
        user,
        metadata: view.private_metadata,
        values,
      });
      return { requestId: requestIdFor(community(id), view.id), viewId: view.id, opened, submitted };
    },
    async cardOf(requestId, channel = "C0REVIEW") {
      return fake.waitFor(
        (calls) => {
          const call = calls.find(
            (c) =>
              c.method === "chat.postMessage" &&
              c.ok &&
              c.params.channel === channel &&
              JSON.stringify(c.params.blocks ?? []).includes(requestId),
          );
          return typeof call?.response?.ts === "string" ? call.response.ts : undefined;
        },
        { what: `the card of ${requestId}` },
      );
    },
    async close() {
      if (timings.length > 0) {
        const worst = Math.max(...timings.map((t) => t.ms));
        console.info(
          `Slack interaction answer times (ms), worst ${worst}: ${timings.map((t) => `${t.label}=${t.ms}`).join(", ")}`,
        );
      }
      await server.close();
      await fake.close();
    },
  };
  return bot;
}

/** The answer's `response_action` body (view submissions). */
export function viewAnswer(answer: SlackAnswer): {
  response_action?: string;
  errors?: Record<string, string>;
  view?: unknown;
} {
  return (answer.json ?? {}) as { response_action?: string; errors?: Record<string, string>; view?: unknown };
}

/** All text of a modal shown to the user. */
export function viewText(answer: SlackAnswer): string {
  return JSON.stringify(viewAnswer(answer).view ?? {});
}

const SAVING = JSON.stringify(toPlain(Messages.SAVING)).slice(1, -1);

/** The view id of a form submission answered "saving…" (its outcome comes as views.update). */
function savingViewId(answer: SlackAnswer, body: string): string | undefined {
  if (answer.status !== 200 || !JSON.stringify(answer.json ?? null).includes(SAVING)) return undefined;
  const payload = new URLSearchParams(body).get("payload");
  const parsed = payload ? (JSON.parse(payload) as { view?: { id?: unknown } }) : undefined;
  return typeof parsed?.view?.id === "string" ? parsed.view.id : undefined;
}
