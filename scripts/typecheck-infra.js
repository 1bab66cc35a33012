#!/usr/bin/env node
// Type-checks the deployment (sst.config.ts and stacks/) offline, as CI does (`npm run typecheck:infra`).
//
// SST's component types live in .sst/platform, which `sst install` writes (it downloads the
// providers from the npm registry; no AWS account or credentials needed). This script runs it
// when that folder is missing or stale, then runs `tsc -p stacks/tsconfig.json`.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const platform = join(root, ".sst", "platform");
const configTypes = join(platform, "config.d.ts");

function say(message) {
  process.stdout.write(`[typecheck:infra] ${message}\n`);
}

function run(command, args, env) {
  say(`$ ${[...Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`), command, ...args].join(" ")}`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...env },
    shell: process.platform === "win32",
  });
  if (result.error) throw result.error;
  say(`  exit ${result.status} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.status ?? 1;
}

/** Why .sst/platform must be (re)installed, or undefined when it is current. */
function staleReason() {
  if (!existsSync(configTypes)) return ".sst/platform/config.d.ts is missing";
  if (!existsSync(join(platform, "node_modules"))) return ".sst/platform/node_modules is missing";
  const wanted = JSON.parse(readFileSync(join(root, "node_modules", "sst", "package.json"), "utf8")).version;
  const versionFile = join(platform, "version");
  const installed = existsSync(versionFile) ? readFileSync(versionFile, "utf8").trim() : "unknown";
  if (installed !== wanted) return `.sst/platform is from sst ${installed}, node_modules has sst ${wanted}`;
  // The providers are declared in sst.config.ts (app().providers): an edit may add one.
  if (statSync(join(root, "sst.config.ts")).mtimeMs > statSync(configTypes).mtimeMs) {
    return "sst.config.ts changed since the last `sst install`";
  }
  return undefined;
}

const reason = staleReason();
if (reason) {
  say(`${reason}: installing SST's platform and providers (about 30 s, npm registry only)`);
  const status = run("npx", ["sst", "install"], {
    SST_STAGE: "ci",
    SST_SKIP_DEPENDENCY_CHECK: "1",
    SST_NO_BUN: "1",
    SST_TELEMETRY_DISABLED: "1",
  });
  if (status !== 0 || !existsSync(configTypes)) {
    say(
      `sst install failed (exit ${status}); ${configTypes} ${existsSync(configTypes) ? "exists" : "was not written"}`,
    );
    process.exit(1);
  }
} else {
  say(".sst/platform is current: skipping `sst install`");
}

say("type-checking sst.config.ts and stacks/ against .sst/platform/config.d.ts");
const status = run("npx", ["tsc", "-p", "stacks/tsconfig.json"]);
if (status !== 0) {
  say("infra type-check failed");
  process.exit(status);
}
say("infra type-check passed");
