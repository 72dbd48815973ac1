/** One change asked of a shared counter: count a hit unless `limit` is reached, or add hits tallied elsewhere. */
export type CounterChange = { kind: 'hit'; limit: number } | { kind: 'add'; hits: number };

/** What one change saw: the count just before it and just after it (equal when a hit was refused). */
export interface CounterChangeResult {
  before: number;
  after: number;
}

/**
 * Applies changes waiting on one counter in arrival order, as if each had been its own
 * compare-and-set: a hit is counted only while the count is below its limit. Pure, so that one
 * write can stand for a whole burst of requests on one key.
 */
export function applyCounterChanges(
  counted: number,
  changes: readonly CounterChange[],
): { total: number; results: CounterChangeResult[] } {
  let total = counted;
  const results = changes.map((change): CounterChangeResult => {
    const before = total;
    if (change.kind === 'add') total += change.hits;
    else if (total < change.limit) total += 1;
    return { before, after: total };
  });
  return { total, results };
}
