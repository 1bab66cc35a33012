import type { GatekeeperConfig } from "./config/schema.js";
import type { Logger } from "./log.js";
import type { Metrics } from "./metrics.js";
import type { WeekFigures } from "./stats.js";
import type { Store } from "./store/client.js";

/** What every core operation needs: the table, the communities, a clock and a logger. */
export interface Core {
  store: Store;
  config: GatekeeperConfig;
  /** The clock of decisions: expiry, reminders, cooldowns, audit. `sweep --now` fixes it. */
  now(): Date;
  log: Logger;
  /** Operational metrics (core/metrics.ts); absent: not recorded. */
  metrics?: Metrics;
  /**
   * The clock of outbox leases and retry times; absent: the wall clock. Never fixed by
   * `sweep --now`, so a sweep run by hand cannot take over a lease that is live in real time.
   * Tests that move time through retries set it to their clock.
   */
  outboxNow?: () => Date;
  /**
   * Draws the weekly digest's chart (PNG; core/chart.ts, with vega and a native rasteriser).
   * Injected by the processes that post digests (each platform's outbox worker, the local server,
   * the CLI), so no other function bundles the chart; absent: this process posts no digest.
   */
  drawChart?: ChartDrawer;
}

export type ChartDrawer = (weeks: readonly WeekFigures[], title: string) => Promise<Uint8Array>;

/** Outbox entries only a process that draws charts performs (`Core.drawChart`). */
export const CHART_KINDS = ["digest.post"] as const;

/** Now, on the outbox's clock (see `Core.outboxNow`). */
export function outboxTime(core: Core): Date {
  return core.outboxNow ? core.outboxNow() : new Date();
}
