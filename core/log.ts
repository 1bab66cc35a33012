import { AsyncLocalStorage } from "node:async_hooks";
import { type LogItem, Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";

/**
 * Structured logs through the Powertools for AWS Lambda Logger: one JSON object per line
 * (CloudWatch Logs Insights queries them), or one readable line per entry for `npm start`
 * (`LOG_FORMAT=pretty`). Every line carries the fields of the interaction or invocation it
 * belongs to (platform, interaction kind, the join request's id, community, Lambda request id;
 * see `withLogContext`).
 *
 * Privacy: logs carry ids, never what people wrote or who they are. Call sites pass ids; as a
 * safety net, values under keys that usually hold personal data (answers, note, email, names,
 * free text) are replaced with "[redacted]" before anything is written.
 */
export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export type LogLevel = keyof Logger;
export type LogFormat = "json" | "pretty";

export const SERVICE = "gatekeeper";

/** Keys whose values are personal data or free text; never written. */
const REDACTED_KEYS = new Set(
  [
    "answers",
    "answer",
    "note",
    "email",
    "text",
    "reason",
    "realName",
    "real_name",
    "displayName",
    "display_name",
    "title",
    "profile",
    "values",
    "content",
    "payload",
    "body",
  ].map((k) => k.toLowerCase()),
);

/** Ids that, once a line of an interaction mentions them, stick to the rest of its lines. */
const STICKY_KEYS = ["requestId", "community"] as const;

const context = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * Runs `fn` with these fields added to every line logged inside it (and anything it awaits).
 * Nested calls add to the same context, so ids learned deep inside an interaction (the request
 * id once recorded) also appear on its last line ("answered", with the time taken).
 */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  const current = context.getStore();
  if (current) {
    Object.assign(current, defined(fields));
    return fn();
  }
  return context.run({ ...defined(fields) }, fn);
}

/** Adds fields to the current context (no-op outside one). */
export function addLogContext(fields: Record<string, unknown>): void {
  const current = context.getStore();
  if (current) Object.assign(current, defined(fields));
}

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** Powertools' Logger, printing through our sink (stderr, or a test's capture) in JSON or one line. */
class SinkLogger extends PowertoolsLogger {
  declare sink?: (attributes: Record<string, unknown>, replacer: (k: string, v: unknown) => unknown) => void;

  protected override printLog(_level: number, item: LogItem): void {
    item.prepareForPrint();
    this.sink?.(item.getAttributes(), this.getJsonReplacer());
  }
}

const LEVELS: Record<LogLevel, "DEBUG" | "INFO" | "WARN" | "ERROR"> = {
  debug: "DEBUG",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
};

/**
 * A logger writing one line per entry to `write` (default: stderr), at `minLevel` and above.
 * JSON by default; `pretty` for people reading a terminal.
 */
export function createLogger(
  minLevel: LogLevel = "info",
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  format: LogFormat = "json",
): Logger {
  const powertools = new SinkLogger({ serviceName: SERVICE, logLevel: LEVELS[minLevel] });
  powertools.sink = (attributes, replacer) => {
    if (format === "pretty") write(redactEmails(prettyLine(attributes, replacer)));
    else write(redactEmails(JSON.stringify(attributes, replacer)));
  };
  const at =
    (level: LogLevel) =>
    (message: string, data?: Record<string, unknown>): void => {
      const fields = serialize(data);
      const store = context.getStore();
      if (store) {
        for (const key of STICKY_KEYS) {
          if (store[key] === undefined && typeof fields[key] === "string") store[key] = fields[key];
        }
      }
      powertools[level](message, { ...serialize(store), ...fields });
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/**
 * Email addresses never reach the logs, whatever key or message carries them (an error quoting a
 * platform's answer, a debug line): the part before the `@` is replaced. Bounded repeats keep it
 * linear.
 */
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@(?=[A-Za-z0-9-]{1,63}\.[A-Za-z0-9-])/g;

export function redactEmails(line: string): string {
  return line.includes("@") ? line.replace(EMAIL, "…@") : line;
}

/** Errors as name and message; personal-data keys redacted, at any depth. */
function serialize(data: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!data) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) out[k] = clean(k, v, 0);
  return out;
}

function clean(key: string, value: unknown, depth: number): unknown {
  if (
    REDACTED_KEYS.has(key.toLowerCase()) &&
    (typeof value === "string" || typeof value === "object") &&
    value !== null
  )
    return "[redacted]";
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => clean("", v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(k, v, depth + 1)]));
}

const QUIET_KEYS = new Set(["level", "message", "timestamp", "service", "sampling_rate"]);

/** `12:00:01.234 INFO  slack /apply handled  platform=slack interaction=command ms=12` */
function prettyLine(
  attributes: Record<string, unknown>,
  replacer: (k: string, v: unknown) => unknown,
): string {
  const time = typeof attributes.timestamp === "string" ? attributes.timestamp.slice(11, 23) : "";
  const level = String(attributes.level ?? "").padEnd(5);
  const rest = Object.entries(attributes)
    .filter(([k]) => !QUIET_KEYS.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v, replacer)}`);
  return `${time} ${level} ${String(attributes.message ?? "")}${rest.length > 0 ? `  ${rest.join(" ")}` : ""}`;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
