import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { DataDirInUseError, startServer } from "../../cli/server.js";
import { loadConfig } from "../../core/config/load.js";
import { silentLogger } from "../../core/log.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { settingsFromEnv } from "../../core/settings.js";
import { createDynamoClient, createStore } from "../../core/store/client.js";
import { ensureTable } from "../../core/store/create-table.js";
import { slackProfile } from "../support/core.js";

const run = promisify(execFile);

/** The `gatekeeper` command against the run's DynamoDB Local, on a table of its own. */
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
  return { core, cli, community };
}

describe("the gatekeeper command", () => {
  it("sweep --now expires what is due at that time, once", async () => {
    const { core, cli, community } = await setup();
    const outcome = await Requests.submit(core, {
      community,
      submissionKey: "cli-1",
      applicant: { userId: "U0APPL001", name: "Applicant" },
      answers: { why: "Because." },
      profile: slackProfile("U0APPL001"),
    });
    if (outcome.kind !== "recorded") throw new Error(outcome.kind);

    const now = await cli("sweep");
    expect(now.code).toBe(0);
    expect(now.stdout).toContain("Swept: 0 expired, 0 reminded");

    const later = new Date(Date.now() + (community.pendingExpiryDays + 1) * 86_400_000).toISOString();
    const swept = await cli("sweep", "--now", later);
    expect(swept.stdout).toContain("Swept: 1 expired");
    expect((await Requests.get(core, outcome.request.id))?.status).toBe("expired");
    expect((await cli("sweep", "--now", later)).stdout).toContain("Swept: 0 expired");
  });

  it("refuses a --now that is not an ISO-8601 date-time, and unknown commands", async () => {
    const { cli } = await setup();
    const bad = await cli("sweep", "--now", "tomorrow");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--now must be an ISO-8601 date-time");
    const unknown = await cli("frobnicate");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });

  it("block stops a user from applying, unblock lets them again; release frees a member's seat", async () => {
    const { core, cli, community } = await setup();
    expect((await cli("block", community.id, "U0SPAM001")).stdout).toContain("U0SPAM001 is blocked");
    expect(await Requests.precheck(core, community, "U0SPAM001")).toEqual({ reason: "blocked" });
    await cli("unblock", community.id, "U0SPAM001");
    expect(await Requests.precheck(core, community, "U0SPAM001")).toBeUndefined();

    expect((await cli("release", community.id, "U0NOBODY1")).code).toBe(1);
    expect((await cli("block", "no-such-community", "U1")).stderr).toContain(
      'Unknown community "no-such-community"',
    );
  });

  it("forget removes an applicant's personal data from all their requests in a community, keeping the audit", async () => {
    const { core, cli, community } = await setup();
    const secrets = [
      "secret reason 7",
      "secret note 7",
      "Forget Me",
      "Realname Forget",
      "u0forget1@example.com",
    ];
    const submit = async (userId: string, key: string, name: string) => {
      const outcome = await Requests.submit(core, {
        community,
        submissionKey: key,
        applicant: { userId, name },
        answers: { why: "secret reason 7" },
        note: "secret note 7",
        profile: slackProfile(userId, {
          name,
          realName: userId === "U0FORGET1" ? "Realname Forget" : "Kept",
        }),
      });
      if (outcome.kind !== "recorded") throw new Error(outcome.kind);
      return outcome.request;
    };
    const first = await submit("U0FORGET1", "forget-1", "Forget Me");
    await Requests.withdraw(core, community, "U0FORGET1");
    const second = await submit("U0FORGET1", "forget-2", "Forget Me");
    const other = await submit("U0KEEP001", "keep-1", "Keep Me");

    const out = await cli("forget", community.id, "U0FORGET1");
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Removed U0FORGET1's personal data from 2 requests in ${community.id}`);

    const items = await core.store.doc.send(
      new QueryCommand({
        TableName: core.store.table,
        IndexName: "gsi2",
        KeyConditionExpression: "gsi2pk = :a",
        ExpressionAttributeValues: { ":a": `APPLICANT#slack#${community.workspace}#U0FORGET1` },
      }),
    );
    expect(items.Items).toHaveLength(2);
    for (const request of [first, second]) {
      const all = await core.store.doc.send(
        new QueryCommand({
          TableName: core.store.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `REQ#${request.id}` },
        }),
      );
      const stored = JSON.stringify(all.Items);
      for (const secret of secrets) expect(stored, `${secret} in ${request.id}`).not.toContain(secret);
      const read = await Requests.get(core, request.id);
      expect(read?.privacy?.removed).toBe("erased");
      expect(read?.status).toBe(request.id === first.id ? "withdrawn" : "pending");
      // The audit of who did what stays (without the applicant's name).
      const audit = await Requests.auditTrail(core, request.id);
      expect(audit.map((a) => `${a.action} ${a.actor.id}`)).toContain("submitted U0FORGET1");
      // The card is re-rendered without it.
      expect(
        (await Outbox.entriesOf(core, request.id)).some((e) => e.name.startsWith("card.update#forget")),
      ).toBe(true);
    }
    const kept = await Requests.get(core, other.id);
    expect(kept?.answers[0]?.value).toBe("secret reason 7");
    expect(kept?.applicant.name).toBe("Keep Me");

    expect((await cli("forget", community.id, "U0FORGET1")).stdout).toContain("from 0 requests");
    expect((await cli("forget", "no-such-community", "U0FORGET1")).code).toBe(1);
    expect((await cli("forget", community.id)).stderr).toContain("Name the community and the user id");
  });

  it("uses the running server's embedded DynamoDB instead of starting a second one on its files", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gk-running-"));
    const settings = settingsFromEnv({ GATEKEEPER_DATA_DIR: dataDir, TABLE_NAME: "gatekeeper" });
    const config = loadConfig("gatekeeper.example.yaml");
    const server = await startServer({
      settings,
      config,
      port: 0,
      host: "127.0.0.1",
      log: silentLogger,
      sweepIntervalMs: false,
    });
    try {
      expect(server.embeddedDynamoDb).toBe(true);
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GATEKEEPER_DATA_DIR: dataDir,
        GATEKEEPER_CONFIG: "gatekeeper.example.yaml",
      };
      const { stdout, stderr } = await run(process.execPath, ["bin/gatekeeper.js", "sweep"], { env });
      expect(stderr).toContain(`Using the running Gatekeeper's DynamoDB Local at ${server.dynamodbEndpoint}`);
      expect(stdout).toContain("Swept: 0 expired");
      await expect(
        startServer({
          settings,
          config,
          port: 0,
          host: "127.0.0.1",
          log: silentLogger,
          sweepIntervalMs: false,
        }),
      ).rejects.toThrow(DataDirInUseError);
    } finally {
      await server.close();
    }
    expect(existsSync(join(dataDir, "dynamodb-endpoint"))).toBe(false);
  });
});
