import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { LocalServer } from "../../cli/server.js";

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** When the command ended (Date.now()). */
  endedAt: number;
}

/**
 * The `gatekeeper` command (a separate process, like an operator's terminal) against a running
 * test server: the same DynamoDB table, the same communities (written to a temporary YAML file),
 * and the platforms' fake APIs.
 */
export function cliFor(
  server: LocalServer,
  yaml: string,
  platforms: { slack?: { token: string; apiUrl: string; signingSecret: string } },
) {
  const dir = mkdtempSync(join(tmpdir(), "gk-cli-"));
  const configPath = join(dir, "gatekeeper.yaml");
  writeFileSync(configPath, yaml);
  const { settings } = server.runtime;
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    DYNAMODB_ENDPOINT: server.dynamodbEndpoint,
    TABLE_NAME: settings.tableName,
    GATEKEEPER_CONFIG: configPath,
    ...(platforms.slack
      ? {
          SLACK_SIGNING_SECRET: platforms.slack.signingSecret,
          SLACK_BOT_TOKEN: platforms.slack.token,
          SLACK_API_URL: platforms.slack.apiUrl,
        }
      : {}),
  };
  return (...args: string[]): Promise<CliResult> =>
    run(process.execPath, ["bin/gatekeeper.js", ...args], { env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr, endedAt: Date.now() }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
        endedAt: Date.now(),
      }),
    );
}
