export interface ConfigProblem {
  /** Dotted path into the file, e.g. `communities[0].rules.minProfileScore`. */
  path: string;
  message: string;
  /** 1-based line in the file, when the path can be located. */
  line?: number | undefined;
}

/** An invalid or unreadable config file. Its message names the file, each field path and the problem. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${file}: invalid configuration\n${problems
        .map((p) => `  - ${p.path || "(file)"}${p.line ? ` (line ${p.line})` : ""}: ${p.message}`)
        .join("\n")}`,
    );
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}
