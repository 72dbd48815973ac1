import { WindowTally } from './batched-rate-limiter';

const rule = { limit: 5, windowMs: 60_000 };
const windowStart = 1_800_000_000_000 - (1_800_000_000_000 % rule.windowMs);

function hits(tally: WindowTally, n: number, at = windowStart + 1_000): boolean[] {
  return Array.from({ length: n }, () => tally.hit(rule, at).allowed);
}

describe('WindowTally', () => {
  it('admits the limit on its own before any flush, then refuses with Retry-After to the window end', () => {
    const tally = new WindowTally();
    expect(hits(tally, 5)).toEqual([true, true, true, true, true]);
    const refused = tally.hit(rule, windowStart + 1_000);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 59 });
  });

  it('counts what other replicas added, as learnt from the shared total', () => {
    const tally = new WindowTally();
    hits(tally, 1);
    const batch = tally.startFlush();
    expect(batch?.hits).toBe(1);
    // Another replica admitted three: the shared counter now says 4.
    tally.flushed(batch?.windowIndex ?? -1, 4);
    expect(hits(tally, 2)).toEqual([true, false]);
  });

  it('counts hits being sent, so nothing is admitted twice while a flush is under way', () => {
    const tally = new WindowTally();
    hits(tally, 3);
    const batch = tally.startFlush();
    expect(tally.startFlush()).toBeUndefined();
    expect(hits(tally, 3)).toEqual([true, true, false]);
    tally.flushed(batch?.windowIndex ?? -1, 3);
    expect(tally.startFlush()?.hits).toBe(2);
  });

  it('keeps refused flushes local and sends them again with the next one', () => {
    const tally = new WindowTally();
    hits(tally, 2);
    const batch = tally.startFlush();
    tally.flushFailed(batch?.windowIndex ?? -1);
    hits(tally, 1);
    expect(tally.startFlush()?.hits).toBe(3);
  });

  it('starts every window from zero and ignores a late answer about the previous one', () => {
    const tally = new WindowTally();
    hits(tally, 5);
    const batch = tally.startFlush();
    const nextWindow = windowStart + rule.windowMs + 10;
    expect(hits(tally, 5, nextWindow)).toEqual([true, true, true, true, true]);
    tally.flushed(batch?.windowIndex ?? -1, 5);
    expect(tally.startFlush()?.hits).toBe(5);
    expect(tally.isStale(rule, nextWindow)).toBe(false);
  });

  it('is stale once its window is over and nothing is in flight', () => {
    const tally = new WindowTally();
    hits(tally, 1);
    expect(tally.isStale(rule, windowStart + 2_000)).toBe(false);
    expect(tally.isStale(rule, windowStart + rule.windowMs)).toBe(true);
  });
});
