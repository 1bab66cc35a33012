import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { CHART_FONT, NATIVE_PACKAGES } from "../core/deployment.js";
import type { Secrets } from "./secrets.js";
import type { Storage } from "./storage.js";

/** The communities file, next to sst.config.ts. */
export const CONFIG_FILE = "gatekeeper.yaml";
/**
 * What the functions read: the same file validated and written as JSON by `checkConfigFile` at
 * every deploy (and at every start of `sst dev`), so no function carries a YAML parser.
 */
export const COMPILED_CONFIG_FILE = "gatekeeper.json";
const COMPILED_CONFIG_PATH = path.join(".sst", COMPILED_CONFIG_FILE);

/**
 * What every Gatekeeper function shares:
 * - the runtime: Node.js 24, supported on Lambda a year longer than Node 22 (the handlers are
 *   two-argument async functions, as it requires);
 * - ARM64: about 20% cheaper per GB-second than x86, and as fast for this I/O-bound code;
 * - the links: the table and the platform secrets, read by core/settings.ts through `Resource`;
 * - the communities, compiled to JSON.
 *
 * The compiled file is copied into the package (`copyFiles`) and found through
 * GATEKEEPER_CONFIG, the same variable the local server reads. Under `sst dev` the functions run
 * on this machine from a build folder, and copyFiles does not apply: they read the compiled file
 * in .sst/ directly (restart `sst dev` after editing gatekeeper.yaml).
 */
export function functionDefaults(storage: Storage, secrets: Secrets) {
  return {
    runtime: "nodejs24.x" as const,
    architecture: "arm64" as const,
    link: [storage, ...Object.values(secrets)],
    environment: {
      GATEKEEPER_CONFIG: $dev
        ? path.join($cli.paths.root, COMPILED_CONFIG_PATH)
        : `/var/task/${COMPILED_CONFIG_FILE}`,
    },
    copyFiles: [{ from: COMPILED_CONFIG_PATH, to: COMPILED_CONFIG_FILE }],
  };
}

/**
 * Stops the deploy before anything changes when the communities file is missing or invalid:
 * every function loads it at start-up, and a bad one would only surface as failing requests.
 * Runs the same check as `npx gatekeeper check`, which also writes the JSON the functions read.
 */
export function checkConfigFile(): void {
  const file = path.join($cli.paths.root, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new Error(
      `${CONFIG_FILE} not found next to sst.config.ts. It is deployed with the functions: ` +
        `copy gatekeeper.example.yaml to ${CONFIG_FILE}, put your communities in it, ` +
        `check it with \`npx gatekeeper check\`, then deploy again.`,
    );
  }
  try {
    // `node` from PATH: the program evaluating this file is not necessarily Node itself.
    const compiled = path.join($cli.paths.root, COMPILED_CONFIG_PATH);
    execFileSync(
      "node",
      [path.join($cli.paths.root, "bin", "gatekeeper.js"), "check", file, "--json", compiled],
      {
        cwd: $cli.paths.root,
        stdio: ["ignore", "pipe", "pipe"],
        encoding: "utf8",
      },
    );
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const details = typeof stderr === "string" && stderr.trim() !== "" ? stderr.trim() : String(error);
    throw new Error(`${CONFIG_FILE} is not valid, nothing was deployed:\n${details}`);
  }
}

/**
 * What the digest functions add (the only functions that post digests): the weekly digest draws
 * its chart with @resvg/resvg-js, a native module SST installs for the function's architecture
 * (`nodejs.install`: the linux-arm64-gnu build here) instead of bundling it, and a font to draw
 * text with (Lambda has no system fonts).
 */
export function chartFunctionExtras(storage: Storage, secrets: Secrets) {
  const defaults = functionDefaults(storage, secrets);
  return {
    nodejs: { install: [...NATIVE_PACKAGES] },
    copyFiles: [...defaults.copyFiles, { from: CHART_FONT.from, to: CHART_FONT.to }],
  };
}
