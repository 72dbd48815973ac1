/**
 * Wall-clock ms with sub-ms resolution, comparable across processes on one machine: each process's
 * `timeOrigin` is its start in Unix ms (read from the system clock in µs), so origin + elapsed is the
 * same clock everywhere: two processes were measured to agree within 0.1 ms (a ping's round trip).
 * Date.now() is whole ms, and its ticks are not at exact ms edges, so it cannot align them better.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** What a lag histogram says, in ms. */
export interface LagSummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

const RESOLUTION_MS = 0.02;
const RANGE_MS = 10_000;

/**
 * Lags of up to a million frames a second into fixed buckets (0.02 ms wide up to 10 s, one overflow
 * bucket above): constant memory and a cheap add, whatever the number of streams. Negative lags
 * (a frame analysed before its due time: the clocks of two processes differ by a fraction of a ms)
 * count as 0.
 */
export class LagHistogram {
  private readonly buckets = new Uint32Array(Math.ceil(RANGE_MS / RESOLUTION_MS) + 1);
  private count = 0;
  private sum = 0;
  private max = 0;

  add(lagMs: number): void {
    const lag = Math.max(lagMs, 0);
    this.buckets[Math.min(this.buckets.length - 1, Math.floor(lag / RESOLUTION_MS))]++;
    this.count++;
    this.sum += lag;
    if (lag > this.max) this.max = lag;
  }

  get size(): number {
    return this.count;
  }

  /** The upper edge of the bucket holding the p-th percentile (never below the true value). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= rank) return i === this.buckets.length - 1 ? this.max : Math.min(this.max, (i + 1) * RESOLUTION_MS);
    }
    return this.max;
  }

  summary(): LagSummary {
    const round = (n: number) => Math.round(n * 1000) / 1000;
    return {
      count: this.count,
      p50Ms: round(this.percentile(50)),
      p99Ms: round(this.percentile(99)),
      maxMs: round(this.max),
      meanMs: round(this.count ? this.sum / this.count : 0),
    };
  }
}
