import { readFileSync } from "node:fs";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type * as z from "zod";
import { ConfigError, formatPath } from "./problems.js";
import { configSchema, type GatekeeperConfig } from "./schema.js";

export { ConfigError, type ConfigProblem, formatPath } from "./problems.js";

/** Parses and validates YAML text; `file` is only used in messages. */
export function parseConfig(text: string, file: string): GatekeeperConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: "",
        message: e.message.split("\n")[0] ?? e.message,
        line: e.linePos?.[0]?.line,
      })),
    );
  }
  const result = configSchema.safeParse(doc.toJS());
  if (!result.success) {
    throw new ConfigError(
      file,
      result.error.issues.map((issue: z.core.$ZodIssue) => ({
        path: formatPath(issue.path),
        message: issue.message,
        line: lineOf(doc, lines, issue.path),
      })),
    );
  }
  return result.data;
}

function lineOf(
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  // Walk as deep as the path exists; report the deepest node found.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (node && typeof node === "object" && "range" in node && Array.isArray(node.range)) {
      const offset = node.range[0];
      if (typeof offset === "number") return lines.linePos(offset).line;
    }
    if (depth > 0 && (isMap(node) || isSeq(node))) break;
  }
  return undefined;
}

/** Reads and validates a config file. */
export function loadConfig(file: string): GatekeeperConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [
      { path: "", message: code === "ENOENT" ? "file not found" : `cannot read (${code ?? String(error)})` },
    ]);
  }
  return parseConfig(text, file);
}
