import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Store } from "../../core/store/client.js";

/**
 * Where the time of a burst goes, measured from inside the one test process: every DynamoDB call
 * the bot makes (by command: count, total and slowest time, errors by name), and the event loop's
 * delay (how long a ready callback waited for the one thread). Attached to the store's client
 * through the SDK's middleware stack, so the bot's code is unchanged.
 */
export interface Profile {
  /** Starts a measurement window; `stop()` returns its figures. */
  start(): void;
  stop(): ProfileReport;
}

export interface ProfileReport {
  dynamo: Record<
    string,
    { calls: number; totalMs: number; maxMs: number; p99Ms: number; errors: Record<string, number> }
  >;
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number };
  /** CPU this one process used in the window (the test client, the bot, the fakes, the worker). */
  cpuMs: number;
  wallMs: number;
}

const profiles = new WeakMap<Store, Profile>();

/** One profile per store (the middleware is attached once). */
export function profileStore(store: Store): Profile {
  const found = profiles.get(store);
  if (found) return found;
  const made = attachProfile(store);
  profiles.set(store, made);
  return made;
}

function attachProfile(store: Store): Profile {
  let on = false;
  const samples = new Map<string, number[]>();
  const errors = new Map<string, Record<string, number>>();
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let cpu = process.cpuUsage();
  let wall = Date.now();
  store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!on) return next(args);
      const name = String(context.commandName ?? "?").replace(/Command$/, "");
      const started = performance.now();
      try {
        return await next(args);
      } catch (error) {
        const e = errors.get(name) ?? {};
        const reason =
          (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.map((r) => r.Code)
            .filter((c) => c && c !== "None")
            .join("+") || (error as Error).name;
        e[reason] = (e[reason] ?? 0) + 1;
        errors.set(name, e);
        throw error;
      } finally {
        const list = samples.get(name) ?? [];
        list.push(performance.now() - started);
        samples.set(name, list);
      }
    },
    { step: "initialize", name: "soakProfile" },
  );
  return {
    start() {
      samples.clear();
      errors.clear();
      histogram.reset();
      histogram.enable();
      cpu = process.cpuUsage();
      wall = Date.now();
      on = true;
    },
    stop() {
      on = false;
      histogram.disable();
      const dynamo: ProfileReport["dynamo"] = {};
      for (const [name, list] of samples) {
        list.sort((a, b) => a - b);
        dynamo[name] = {
          calls: list.length,
          totalMs: Math.round(list.reduce((a, b) => a + b, 0)),
          maxMs: Math.round(list.at(-1) ?? 0),
          p99Ms: Math.round(list[Math.min(list.length - 1, Math.floor(0.99 * list.length))] ?? 0),
          errors: errors.get(name) ?? {},
        };
      }
      const ms = (ns: number) => Math.round(ns / 1e6);
      const used = process.cpuUsage(cpu);
      return {
        cpuMs: Math.round((used.user + used.system) / 1000),
        wallMs: Date.now() - wall,
        dynamo,
        eventLoop: {
          p50Ms: ms(histogram.percentile(50)),
          p99Ms: ms(histogram.percentile(99)),
          maxMs: ms(histogram.max),
        },
      };
    },
  };
}

/**
 * The bot's own time per interaction, from its "slack request answered" log lines (ms from the
 * handler's receipt), and when those receipts happened after `since` (a burst's start): a late
 * receipt means the request waited before the handler saw it.
 */
export function handlerTimes(lines: readonly string[], since?: number) {
  const ms: number[] = [];
  const received: number[] = [];
  for (const line of lines) {
    if (!line.includes("slack request answered")) continue;
    const parsed = JSON.parse(line) as { ms?: unknown; timestamp?: unknown };
    if (typeof parsed.ms !== "number") continue;
    ms.push(parsed.ms);
    if (since !== undefined && typeof parsed.timestamp === "string")
      received.push(Date.parse(parsed.timestamp) - parsed.ms - since);
  }
  const stats = (list: number[]) => {
    list.sort((a, b) => a - b);
    const at = (q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0;
    return { n: list.length, p50: at(0.5), p90: at(0.9), max: list.at(-1) ?? 0 };
  };
  return { inHandler: stats(ms), ...(since !== undefined ? { receivedAfterStart: stats(received) } : {}) };
}
