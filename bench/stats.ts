/** Percentiles of a sample, in the sample's unit (ms here). Nearest-rank, no interpolation. */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = samples.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

export function median(samples: number[]): number {
  return summarize(samples).p50;
}

/** Each percentile divided by the floor's same percentile. */
export function ratio(s: Summary, floor: Summary): Omit<Summary, "n"> {
  return { p50: s.p50 / floor.p50, p95: s.p95 / floor.p95, p99: s.p99 / floor.p99, max: s.max / floor.max };
}

/** The floor of an interaction: an HTTP round trip plus one durable write, percentile by percentile. */
export function addFloors(a: Summary, b: Summary): Summary {
  return {
    n: Math.min(a.n, b.n),
    p50: a.p50 + b.p50,
    p95: a.p95 + b.p95,
    p99: a.p99 + b.p99,
    max: a.max + b.max,
  };
}

export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
