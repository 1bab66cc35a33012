import { performance } from "node:perf_hooks";

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

/** One table row: label, count, p50, p95, p99, max (ms). */
export function row(label: string, samples: number[]): string {
  const s = summarize(samples);
  const f = (v: number) => v.toFixed(1).padStart(8);
  return `| ${label.padEnd(56)} | ${String(s.n).padStart(4)} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.p99)} | ${f(s.max)} |`;
}

export function table(title: string, rows: string[]): string {
  return [
    `\n### ${title}\n`,
    `| ${"what".padEnd(56)} |    n |  p50 ms |  p95 ms |  p99 ms |  max ms |`,
    `|${"-".repeat(58)}|-----:|--------:|--------:|--------:|--------:|`,
    ...rows,
  ].join("\n");
}

export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}
