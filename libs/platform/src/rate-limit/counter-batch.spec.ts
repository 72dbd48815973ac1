import { applyCounterChanges } from './counter-batch';

describe('applyCounterChanges', () => {
  it('counts hits in arrival order until the limit, and tells each what it saw', () => {
    const hit = { kind: 'hit', limit: 3 } as const;
    const { total, results } = applyCounterChanges(1, [hit, hit, hit, hit]);
    expect(total).toBe(3);
    expect(results.map((r) => r.before)).toEqual([1, 2, 3, 3]);
    // The refused ones changed nothing.
    expect(results.map((r) => r.after)).toEqual([2, 3, 3, 3]);
  });

  it('adds tallied hits whatever the count, and later hits see them', () => {
    const { total, results } = applyCounterChanges(0, [
      { kind: 'add', hits: 5 },
      { kind: 'hit', limit: 6 },
      { kind: 'hit', limit: 6 },
    ]);
    expect(total).toBe(6);
    expect(results).toEqual([
      { before: 0, after: 5 },
      { before: 5, after: 6 },
      { before: 6, after: 6 },
    ]);
  });

  it('leaves the count alone when nothing can be counted', () => {
    expect(applyCounterChanges(4, [{ kind: 'hit', limit: 4 }])).toEqual({
      total: 4,
      results: [{ before: 4, after: 4 }],
    });
    expect(applyCounterChanges(2, [])).toEqual({ total: 2, results: [] });
  });
});
