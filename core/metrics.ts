import { MetricUnit, Metrics as PowertoolsMetrics } from "@aws-lambda-powertools/metrics";
import { METRIC, METRICS_NAMESPACE, type MetricName } from "./deployment.js";

/**
 * Operational metrics through the Powertools for AWS Lambda Metrics, in CloudWatch's Embedded
 * Metric Format: each flush writes one JSON line that CloudWatch Logs turns into metrics (no API
 * call, nothing to wait for). Lambda handlers flush at the end of every invocation
 * (functions/runtime.ts). The alarms (stacks/alarms.ts) watch these names.
 */
export interface Metrics {
  count(name: Exclude<MetricName, typeof METRIC.answerTime>, value?: number): void;
  /** How long an interaction took to answer, in milliseconds. */
  answerTime(ms: number): void;
  /** Writes what was recorded since the last flush (nothing when nothing was). */
  flush(): void;
}

export function createMetrics(opts: {
  /** The `service` dimension (see `metricsService`). */
  service: string;
  /** Where EMF lines go; default stdout, which Lambda sends to CloudWatch Logs. */
  write?: (line: string) => void;
}): Metrics {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const metrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName: opts.service });
  return {
    count(name, value = 1) {
      metrics.addMetric(name, MetricUnit.Count, value);
    },
    answerTime(ms) {
      metrics.addMetric(METRIC.answerTime, MetricUnit.Milliseconds, Math.round(ms));
    },
    flush() {
      if (!metrics.hasStoredMetrics()) return;
      const emf = metrics.serializeMetrics();
      metrics.clearMetrics();
      write(JSON.stringify(emf));
    },
  };
}

/** Metrics that go nowhere: the local bot, the CLI and tests that do not look at them. */
export const noMetrics: Metrics = { count() {}, answerTime() {}, flush() {} };
