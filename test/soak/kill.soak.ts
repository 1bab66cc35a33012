import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import type { Core } from "../../core/context.js";
import { silentLogger } from "../../core/log.js";
import * as Requests from "../../core/requests.js";
import { requestIdFor } from "../../core/requests.js";
import { createDynamoClient, createStore } from "../../core/store/client.js";
import { ensureTable } from "../../core/store/create-table.js";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.js";
import { nextTrigger, slashCommand, viewSubmission } from "../support/slack-payloads.js";
import { formBody, payloadBody, postSigned } from "../support/slack-sign.js";
import { drain, slackInvariants } from "./invariants.js";

/**
 * SIGKILL of the real local server (`bin/gatekeeper.js serve`, what `npm start` runs, as a child
 * process) every 30 s for SOAK_KILL_MINUTES (default 3), during a stream of Slack applications into
 * an autoApprove community with a capacity (so grants, notices and the waitlist all run). The
 * server is restarted at once on the same table (DynamoDB Local is the run's own, outside the
 * killed process); an application whose answer was lost is sent again as Slack or the person
 * would (the same view id: recorded once). Then every request must be in a final or open state,
 * every effect performed once, and seats = channel members ≤ capacity.
 */
const MINUTES = Number(process.env.SOAK_KILL_MINUTES ?? 3);
const KILL_EVERY_MS = 30_000;
const SECRET = "kill-soak-secret";
const YAML = `
communities:
  - id: sturdy
    name: Sturdy
    platform: slack
    workspace: T0TEST
    reviewChannel: C0STURDYREV
    moderators: { users: [U0MODA] }
    grant: { channels: [C0STURDY] }
    capacity: 60
    whenFull: waitlist
    autoApprove: true
`;

const children: ChildProcess[] = [];
let fake: FakeSlack | undefined;
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await fake?.close();
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("SIGKILL of the local server", () => {
  it(`kills bin/gatekeeper.js serve every 30 s for ${MINUTES} min during a stream of applications`, async () => {
    fake = await startFakeSlack();
    const endpoint = inject("dynamodbEndpoint");
    const table = `gk-kill-${randomBytes(5).toString("hex")}`;
    const dir = mkdtempSync(join(tmpdir(), "gk-kill-"));
    const configFile = join(dir, "gatekeeper.yaml");
    writeFileSync(configFile, YAML);
    const config = parseConfig(YAML, configFile);
    const client = createDynamoClient({ endpoint, region: "us-east-1" });
    await ensureTable(client, table);
    const core: Core = {
      store: createStore(client, table),
      config,
      now: () => new Date(),
      log: silentLogger,
    };
    const community = config.communities[0];
    if (!community) throw new Error("config");
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      DYNAMODB_ENDPOINT: endpoint,
      TABLE_NAME: table,
      GATEKEEPER_CONFIG: configFile,
      GATEKEEPER_DATA_DIR: dir,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: fake.token,
      SLACK_API_URL: fake.apiUrl,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    let server: ChildProcess | undefined;
    const start = async () => {
      const child = spawn(process.execPath, ["bin/gatekeeper.js", "serve"], { env, stdio: "ignore" });
      children.push(child);
      server = child;
      const until = Date.now() + 60_000;
      for (;;) {
        const ok = await fetch(`${url}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return Date.now();
        if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
        if (Date.now() > until) throw new Error("server not healthy within 60 s");
        await sleep(100);
      }
    };
    await start();

    const ids = new Set<string>();
    const tally = { applied: 0, resent: 0, kills: 0, restartMs: [] as number[], lostAnswers: 0 };
    /** One applicant: /apply until the form opens, then the submission until it is answered. */
    const applicant = async (user: string) => {
      let view: { id: string; private_metadata: string } | undefined;
      for (let attempt = 0; !view && attempt < 50; attempt++) {
        const trigger = nextTrigger();
        const body = formBody(slashCommand({ user, text: "sturdy", trigger }));
        const answer = await postSigned(`${url}/slack/events`, SECRET, body).catch(() => undefined);
        const open = fake?.succeeded("views.open").find((c) => c.params.trigger_id === trigger);
        view = open?.response?.view as typeof view;
        if (!view) {
          if (!answer) tally.lostAnswers++;
          await sleep(1_000);
        }
      }
      if (!view) throw new Error(`${user}: the form never opened`);
      const submission = payloadBody(
        viewSubmission({ viewId: view.id, user, metadata: view.private_metadata, values: {} }),
      );
      for (let attempt = 0; attempt < 50; attempt++) {
        if (attempt > 0) tally.resent++;
        const answer = await postSigned(`${url}/slack/events`, SECRET, submission).catch(() => undefined);
        if (answer?.status === 200) {
          ids.add(requestIdFor(community, view.id));
          tally.applied++;
          return;
        }
        if (!answer) tally.lostAnswers++;
        await sleep(1_000);
      }
      throw new Error(`${user}: the submission was never answered`);
    };

    const until = Date.now() + MINUTES * 60_000;
    let nextKill = Date.now() + KILL_EVERY_MS;
    const stream: Promise<void>[] = [];
    let n = 0;
    while (Date.now() < until) {
      n++;
      stream.push(applicant(`U0KL${n.toString().padStart(6, "0")}`));
      if (Date.now() >= nextKill) {
        nextKill = Date.now() + KILL_EVERY_MS;
        server?.kill("SIGKILL");
        tally.kills++;
        const killedAt = Date.now();
        await new Promise((r) => server?.once("exit", r));
        await start();
        tally.restartMs.push(Date.now() - killedAt);
      }
      await sleep(400);
    }
    await Promise.all(stream);
    // The last server keeps running: its stream worker and its sweeper (every minute) finish the work.
    const open = await drain(core, [...ids], 600_000);
    const report = await slackInvariants(core, fake, community, [...ids]);
    const stillThere = await Promise.all([...ids].map((id) => Requests.get(core, id)));
    console.info(
      "[soak kill]",
      JSON.stringify({
        minutes: MINUTES,
        applicants: n,
        ...tally,
        open,
        recorded: stillThere.filter(Boolean).length,
        ...report,
      }),
    );
    server?.kill("SIGTERM");
    expect(report.problems).toEqual([]);
    expect(report.unsettled).toEqual([]);
    expect(tally.applied).toBe(n);
    expect(tally.kills).toBeGreaterThanOrEqual(Math.floor((MINUTES * 60_000) / KILL_EVERY_MS) - 1);
  });
});
