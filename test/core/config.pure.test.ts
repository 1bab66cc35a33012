import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { jsonSchema } from "../../cli/main.js";
import { readCompiledConfig } from "../../core/config/compiled.js";
import { ConfigError, loadConfig, parseConfig } from "../../core/config/load.js";
import { discordCommunity, slackCommunity } from "../support/core.js";

const run = promisify(execFile);

function problems(communities: unknown[]): string[] {
  try {
    parseConfig(JSON.stringify({ communities }), "bad.yaml");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("gatekeeper.yaml", () => {
  it("accepts the shipped example", () => {
    const config = loadConfig("gatekeeper.example.yaml");
    expect(config.communities.map((c) => c.id)).toEqual(["ecommerce-women", "indie-devs"]);
  });

  it("fills defaults", () => {
    const [c] = parseConfig(JSON.stringify({ communities: [slackCommunity()] }), "x.yaml").communities;
    expect(c).toMatchObject({
      onRuleFailure: "review",
      autoApprove: false,
      whenFull: "waitlist",
      cooldownDays: 30,
      pendingExpiryDays: 14,
      remindAfterHours: 24,
      note: { required: false, maxLength: 300 },
      blocklist: [],
      interviewExpiryHours: 72,
      onNoReply: "review",
      claimMinutes: 60,
    });
    expect(c?.capacity).toBeUndefined();
    expect(c?.questions[0]).toMatchObject({ required: true, style: "paragraph", minLength: 0 });
  });

  it.each([
    ["status", "communities[0].id: is reserved"],
    ["withdraw", "communities[0].id: is reserved"],
    ["help", "communities[0].id: is reserved"],
    ["Bad_Id", "communities[0].id: 2 to 40 of a-z"],
    ["x", "communities[0].id: 2 to 40 of a-z"],
  ])("refuses the id %s", (id, expected) => {
    expect(problems([slackCommunity({ id })]).join("\n")).toContain(expected);
  });

  it("refuses duplicate community and question ids", () => {
    expect(problems([slackCommunity(), slackCommunity()])).toContain(
      'communities[1].id: duplicate id "makers" (also communities[0])',
    );
    const q = { id: "why", label: "Why?" };
    expect(problems([slackCommunity({ questions: [q, q] })])).toContain(
      'communities[0].questions[1].id: duplicate question id "why"',
    );
  });

  it("reserves the question id note for the personal note", () => {
    expect(problems([slackCommunity({ questions: [{ id: "note", label: "Note" }] })])).toContain(
      'communities[0].questions[0].id: is reserved for the personal note ("note")',
    );
  });

  it("checks platform-specific fields", () => {
    expect(problems([slackCommunity({ grant: { channels: [] } })])).toContain(
      "communities[0].grant.channels: a Slack community needs at least one channel",
    );
    expect(problems([discordCommunity({ grant: { roles: [] } })])).toContain(
      "communities[0].grant.roles: a Discord community needs at least one role",
    );
    expect(problems([slackCommunity({ rules: { minAccountAgeDays: 3 } })])).toContain(
      "communities[0].rules.minAccountAgeDays: applies to Discord only (Slack does not expose account age)",
    );
    expect(problems([discordCommunity({ rules: { emailDomains: ["example.com"] } })])).toContain(
      "communities[0].rules.emailDomains: applies to Slack only (Discord profiles have no such field)",
    );
    expect(problems([slackCommunity({ workspace: "123" })])).toContain(
      "communities[0].workspace: a Slack team id like T0123ABCD",
    );
    expect(problems([discordCommunity({ reviewChannel: "C0REVIEW" })])).toContain(
      "communities[0].reviewChannel: a Discord id (15 to 21 digits)",
    );
  });

  it("names the field path and line of each problem, and unknown fields", () => {
    const text = [
      "communities:",
      "  - id: makers",
      "    name: Makers",
      "    platform: slack",
      "    workspace: T0TEST",
      "    reviewChannel: C0REVIEW",
      "    moderators: { users: [U0MOD1] }",
      "    grant: { channels: [C0MEMBERS] }",
      "    rules:",
      "      minProfileScore: 150",
      "    capactiy: 10",
    ].join("\n");
    const error = (() => {
      try {
        parseConfig(text, "g.yaml");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("g.yaml: invalid configuration");
    expect(message).toContain("communities[0].rules.minProfileScore (line 10): Too big");
    expect(message).toMatch(/communities\[0\] \(line \d+\): Unrecognized key: "capactiy"/);
  });

  it("reports YAML syntax errors and missing files without a stack trace", () => {
    expect(() => parseConfig("communities: [\n", "s.yaml")).toThrow(ConfigError);
    expect(() => loadConfig("/nonexistent/g.yaml")).toThrow(
      "/nonexistent/g.yaml: invalid configuration\n  - (file): file not found",
    );
  });

  it("gatekeeper check exits 0 on a good file and 1 naming the field on a bad one", async () => {
    const good = await run("node", ["bin/gatekeeper.js", "check", "gatekeeper.example.yaml"]);
    expect(good.stdout).toContain("ok, 2 communities");
    const bad = join(tmpdir(), `gk-bad-${process.pid}.yaml`);
    writeFileSync(
      bad,
      readFileSync("gatekeeper.example.yaml", "utf8").replace("capacity: 500", "capacity: -1"),
    );
    const failed = await run("node", ["bin/gatekeeper.js", "check", bad]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain("communities[0].capacity");
    expect(failed?.stderr).not.toContain("    at ");
  });

  it("gatekeeper check --json writes the config the deployed functions read, and nothing for a bad file", async () => {
    const dir = join(tmpdir(), `gk-compiled-${process.pid}`);
    const out = join(dir, "nested", "gatekeeper.json");
    await run("node", ["bin/gatekeeper.js", "check", "gatekeeper.example.yaml", "--json", out]);
    expect(readCompiledConfig(out)).toEqual(loadConfig("gatekeeper.example.yaml"));

    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "communities: [\n");
    const failed = await run("node", [
      "bin/gatekeeper.js",
      "check",
      bad,
      "--json",
      join(dir, "bad.json"),
    ]).then(
      () => undefined,
      (e: { code: number }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(() => readCompiledConfig(join(dir, "bad.json"))).toThrow("file not found");
    // A function pointed at the YAML itself says what it expects instead.
    expect(() => readCompiledConfig("gatekeeper.example.yaml")).toThrow("gatekeeper check <file> --json");
    const tampered = join(dir, "tampered.json");
    writeFileSync(tampered, JSON.stringify({ communities: [{ id: "X" }] }));
    expect(() => readCompiledConfig(tampered)).toThrow(/communities\[0\]\.id/);
  });

  it("ships a JSON Schema that matches the zod schema (npm run schema)", () => {
    const committed = JSON.parse(readFileSync("gatekeeper.schema.json", "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(jsonSchema())));
  });
});
