import { counterKey, decide, type RateLimitDecision, type RateLimitRule, windowAt } from './fixed-window';
import type { RateLimitCounters } from './rate-limit-counters';

/**
 * One key's count in the current window, as one replica knows it: the shared total it last read,
 * its own hits being added to it right now, and its hits not sent yet. Pure: no clock, no I/O.
 */
export class WindowTally {
  private windowIndex = -1;
  private shared = 0;
  private inFlight = 0;
  private pending = 0;

  /** Decides one hit at `nowMs` and counts it when allowed. A new window starts from zero. */
  hit(rule: RateLimitRule, nowMs: number): RateLimitDecision {
    const { index } = windowAt(nowMs, rule.windowMs);
    if (index !== this.windowIndex) {
      this.windowIndex = index;
      this.shared = 0;
      this.inFlight = 0;
      this.pending = 0;
    }
    const decision = decide(rule, this.shared + this.inFlight + this.pending, nowMs);
    if (decision.allowed) this.pending += 1;
    return decision;
  }

  /** The hits to add to the shared counter now (and which window they belong to), if any. */
  startFlush(): { windowIndex: number; hits: number } | undefined {
    if (this.pending === 0 || this.inFlight > 0) return undefined;
    this.inFlight = this.pending;
    this.pending = 0;
    return { windowIndex: this.windowIndex, hits: this.inFlight };
  }

  /** The shared counter took the hits and now reads `total` (every replica's hits, ours included). */
  flushed(windowIndex: number, total: number): void {
    if (windowIndex !== this.windowIndex) return;
    this.shared = total;
    this.inFlight = 0;
  }

  /** The store did not answer: the hits stay local and go with the next flush. */
  flushFailed(windowIndex: number): void {
    if (windowIndex !== this.windowIndex) return;
    this.pending += this.inFlight;
    this.inFlight = 0;
  }

  hasPending(): boolean {
    return this.pending > 0;
  }

  /** True once the window is over and nothing is left to send: the tally can be forgotten. */
  isStale(rule: RateLimitRule, nowMs: number): boolean {
    return windowAt(nowMs, rule.windowMs).index !== this.windowIndex && this.inFlight === 0;
  }
}

export interface BatchedRateLimiterOptions {
  /** How often local hits are added to the shared counters. */
  flushIntervalMs: number;
  /** Told when the shared store could not take a flush (the budget is then enforced per replica). */
  onStoreError?: (error: unknown) => void;
}

/**
 * Fixed-window budgets for hot keys: thousands of hits a second on one key (one provider account's
 * webhooks). A compare-and-set per request on one shared counter collapses under that load, as every
 * replica's writes conflict with every other's. Here each replica decides from the last shared total
 * it read plus its own hits since, and adds its hits to the shared counter in one write per key and
 * flush interval. Over-admission is bounded by what the other replicas admit in one interval. When
 * the store is unreachable each replica goes on enforcing the budget alone, and its hits are added
 * once the store answers again.
 */
export class BatchedRateLimiter {
  private readonly tallies = new Map<string, { tally: WindowTally; rule: RateLimitRule; policy: string }>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private closed = false;

  constructor(
    private readonly counters: RateLimitCounters,
    private readonly options: BatchedRateLimiterOptions,
  ) {}

  /** Decides and counts one hit of `subject` on `policy`; never waits for the store. */
  hit(policy: string, subject: string, rule: RateLimitRule, nowMs = Date.now()): RateLimitDecision {
    const id = `${policy}\u0000${subject}`;
    let entry = this.tallies.get(id);
    if (!entry) {
      entry = { tally: new WindowTally(), rule, policy };
      this.tallies.set(id, entry);
    }
    entry.rule = rule;
    const decision = entry.tally.hit(rule, nowMs);
    this.schedule();
    return decision;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushIntervalMs).unref();
  }

  /** Adds every local tally to the shared counters now. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing ??= this.flushAll().finally(() => {
      this.flushing = undefined;
      // Hits the store refused (or that came in meanwhile) go with the next round.
      if ([...this.tallies.values()].some((e) => e.tally.hasPending())) this.schedule();
    });
    return this.flushing;
  }

  private async flushAll(): Promise<void> {
    const now = Date.now();
    const sends: Promise<void>[] = [];
    for (const [id, { tally, rule, policy }] of this.tallies) {
      const batch = tally.startFlush();
      if (!batch) {
        if (tally.isStale(rule, now)) this.tallies.delete(id);
        continue;
      }
      const subject = id.slice(policy.length + 1);
      sends.push(
        this.counters.addHits(counterKey(policy, subject, batch.windowIndex), batch.hits).then(
          (total) => tally.flushed(batch.windowIndex, total),
          (error: unknown) => {
            tally.flushFailed(batch.windowIndex);
            this.options.onStoreError?.(error);
          },
        ),
      );
    }
    await Promise.all(sends);
  }

  /** Sends what is left (best effort) and stops the timer. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
