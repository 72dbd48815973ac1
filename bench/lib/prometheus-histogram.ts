/** One Prometheus histogram as scraped: cumulative buckets (upper bound → count), sum and count. */
export interface ScrapedHistogram {
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

/** The histogram `name` in a /metrics text, its series of every label set added together; null when absent. */
export function parseHistogram(metricsText: string, name: string): ScrapedHistogram | null {
  const byLe = new Map<number, number>();
  let sum = 0;
  let count = 0;
  let seen = false;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(name)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith(`${name}_bucket`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      byLe.set(bound, (byLe.get(bound) ?? 0) + value);
      seen = true;
    } else if (line.startsWith(`${name}_sum`)) sum += value;
    else if (line.startsWith(`${name}_count`)) count += value;
  }
  if (!seen) return null;
  const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, n]) => ({ le, count: n }));
  return { buckets, sum, count };
}

/** What a later scrape adds to an earlier one (the observations between them). */
export function histogramDelta(after: ScrapedHistogram, before: ScrapedHistogram | null): ScrapedHistogram {
  if (!before) return after;
  const was = new Map(before.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (was.get(b.le) ?? 0) })),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/**
 * The q-quantile (0..1) as PromQL's histogram_quantile estimates it: linear within the bucket it
 * falls in (from the bucket below's bound, 0 for the first); the highest finite bound when it falls
 * in +Inf. NaN without observations.
 */
export function histogramQuantile(h: ScrapedHistogram, q: number): number {
  const total = h.buckets.at(-1)?.count ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of h.buckets) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      return inBucket > 0 ? lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / inBucket : bucket.le;
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
