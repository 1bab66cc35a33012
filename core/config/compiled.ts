import { readFileSync } from "node:fs";
import { ConfigError, formatPath } from "./problems.js";
import { configSchema, type GatekeeperConfig } from "./schema.js";

/**
 * The communities as deployed functions read them: the validated gatekeeper.yaml as JSON, which
 * `npx gatekeeper check <file> --json <out>` writes at deploy time (stacks/common.ts) and the
 * functions validate again on load. The functions thus never carry a YAML parser (a tenth of a
 * bundle); the CLI and the local server read the YAML itself (load.ts), with line numbers in
 * their errors.
 */
export function compileConfig(config: GatekeeperConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Reads and validates a compiled (JSON) config file. */
export function readCompiledConfig(file: string): GatekeeperConfig {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      error instanceof SyntaxError
        ? "not JSON: deployed functions read the JSON that `npx gatekeeper check <file> --json <out>` writes"
        : code === "ENOENT"
          ? "file not found"
          : `cannot read (${code ?? String(error)})`;
    throw new ConfigError(file, [{ path: "", message }]);
  }
  const result = configSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(
      file,
      result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  }
  return result.data;
}
