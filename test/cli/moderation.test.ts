import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../core/config/load.js";
import { silentLogger } from "../../core/log.js";
import * as Requests from "../../core/requests.js";
import { createDynamoClient, createStore } from "../../core/store/client.js";
import { ensureTable } from "../../core/store/create-table.js";
import { slackProfile } from "../support/core.js";

const run = promisify(execFile);

/** `gatekeeper decide` and `gatekeeper stats` against the run's DynamoDB Local, on a table of their own. */
async function setup() {
  const endpoint = inject("dynamodbEndpoint");
  const table = `gk-cli-${randomBytes(5).toString("hex")}`;
  const client = createDynamoClient({ endpoint, region: "us-east-1" });
  await ensureTable(client, table);
  const config = loadConfig("gatekeeper.example.yaml");
  const core = { store: createStore(client, table), config, now: () => new Date(), log: silentLogger };
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DYNAMODB_ENDPOINT: endpoint,
    TABLE_NAME: table,
    GATEKEEPER_CONFIG: "gatekeeper.example.yaml",
  };
  const cli = (...args: string[]) =>
    run(process.execPath, ["bin/gatekeeper.js", ...args], { env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );
  const community = config.communities[0];
  if (!community) throw new Error("example config");
  const submit = async (userId: string, profile = slackProfile(userId)) => {
    const outcome = await Requests.submit(core, {
      community,
      submissionKey: `cli-${userId}`,
      applicant: { userId, name: userId },
      answers: { why: "Because." },
      profile,
    });
    if (outcome.kind !== "recorded") throw new Error(outcome.kind);
    return outcome.request;
  };
  return { core, cli, community, submit };
}

describe("gatekeeper decide and stats", () => {
  it("decides in bulk as an operator, through the same use case, and is safe to run twice", async () => {
    const { core, cli, community, submit } = await setup();
    const ok1 = await submit("U0APPL001");
    const ok2 = await submit("U0APPL002");
    const flagged = await submit("U0APPL003", slackProfile("U0APPL003", { hasAvatar: false }));

    const passing = await cli("decide", community.id, "--approve-passing");
    expect(passing).toMatchObject({ code: 0 });
    expect(passing.stdout).toContain(`${community.id}: 2 approved. (2 asked,`);
    const again = await cli("decide", community.id, "--approve-passing");
    expect(again.stdout).toContain("Nothing was decided: no request matched.");

    const deny = await cli("decide", community.id, "--deny", flagged.id, ok1.id, "--reason", "Spam account");
    expect(deny.stdout).toContain("1 denied, 1 already decided.");
    const denied = await Requests.get(core, flagged.id);
    expect(denied?.decision).toMatchObject({
      outcome: "denied",
      reason: "Spam account",
      by: { kind: "operator" },
    });
    expect((await Requests.get(core, ok2.id))?.decision?.by.kind).toBe("operator");

    const stats = await cli("stats", community.id, "--days", "30");
    expect(stats.stdout).toContain("Requests 3 · approved 2 · denied 1 (1 by moderators, 0 by rules)");
    const json = await cli("stats", community.id, "--json");
    const figures = JSON.parse(json.stdout) as {
      requests: number;
      decisions: number;
      moderators: { id: string }[];
    }[];
    expect(figures[0]).toMatchObject({ requests: 3, decisions: 3 });
    expect(figures[0]?.moderators[0]?.id).toMatch(/^operator:/);
  }, 300_000);

  it("refuses what it cannot do, with the usage", async () => {
    const { cli, community } = await setup();
    const none = await cli("decide", community.id);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("one of --approve-passing, --approve <ids…>, --deny <ids…>");
    expect((await cli("decide", community.id, "--approve")).stderr).toContain("Name the request ids");
    expect((await cli("decide", "nope", "--approve-passing")).stderr).toContain('Unknown community "nope"');
    expect((await cli("stats", "--days", "zero")).stderr).toContain("--days must be a whole number");
  }, 300_000);
});
