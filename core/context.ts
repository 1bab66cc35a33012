import type { GatekeeperConfig } from "./config/schema.js";
import type { Logger } from "./log.js";
import type { Metrics } from "./metrics.js";
import type { Store } from "./store/client.js";

/** What every core operation needs: the table, the communities, a clock and a logger. */
export interface Core {
  store: Store;
  config: GatekeeperConfig;
  now(): Date;
  log: Logger;
  /** Operational metrics (core/metrics.ts); absent: not recorded. */
  metrics?: Metrics;
}
