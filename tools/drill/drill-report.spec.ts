import {
  type DrillReport,
  drillProblems,
  longestGap,
  refusalSummary,
  renderDrillReport,
  tallyReads,
  tallyWrites,
} from './drill-report';

describe('tallyWrites', () => {
  const stored = new Map([
    ['a', 1],
    ['b', 2],
    ['d', 1],
  ]);

  it('counts acknowledged writes that were not stored as lost, and writes stored twice as duplicated', () => {
    const row = tallyWrites(
      'writes',
      [
        { key: 'a', acknowledged: true },
        { key: 'b', acknowledged: true },
        { key: 'c', acknowledged: true },
        { key: 'd', acknowledged: false },
        { key: 'e', acknowledged: false },
      ],
      stored,
    );
    expect(row).toEqual({ what: 'writes', sent: 5, acknowledged: 3, stored: 3, duplicated: 1, lost: 1 });
  });

  it('does not count a refused write that was not stored as lost: the client was told to send it again', () => {
    expect(tallyWrites('w', [{ key: 'x', acknowledged: false }], stored).lost).toBe(0);
  });

  it('reports the second place something is kept without judging it', () => {
    const row = tallyWrites('w', [{ key: 'a', acknowledged: true }], stored, {
      where: 'table',
      counts: new Map(),
    });
    expect(row.storedAlso).toEqual({ where: 'table', count: 0 });
    expect(row.lost).toBe(0);
  });
});

describe('tallyReads', () => {
  it('counts an acknowledged read without what it had to show as lost', () => {
    const row = tallyReads('reads', [
      { acknowledged: true, correct: true },
      { acknowledged: true, correct: false },
      { acknowledged: false, correct: false },
    ]);
    expect(row).toMatchObject({ sent: 3, acknowledged: 2, lost: 1, duplicated: 0 });
  });
});

describe('longestGap', () => {
  it('is the longest stretch without a success, the run start and end included', () => {
    expect(longestGap([1_500, 1_000, 4_000], 0, 5_000)).toEqual({ ms: 2_500, startsAt: 1_500 });
    expect(longestGap([1_000, 2_000], 0, 10_000)).toEqual({ ms: 8_000, startsAt: 2_000 });
    expect(longestGap([], 0, 3_000)).toEqual({ ms: 3_000, startsAt: 0 });
  });

  it('ignores successes outside the window', () => {
    expect(longestGap([-5, 20_000], 0, 1_000).ms).toBe(1_000);
  });
});

describe('refusalSummary', () => {
  it('counts each answer, most frequent first', () => {
    expect(refusalSummary([503, 'timeout', 503, 502, 503])).toBe('503×3 timeout×1 502×1');
    expect(refusalSummary([])).toBe('');
  });
});

const passing: DrillReport = {
  deliveries: [{ what: 'webhooks', sent: 10, acknowledged: 10, stored: 10, duplicated: 0, lost: 0 }],
  recoveries: [{ what: 'auth#1', how: 'SIGKILL', atMs: 12_000, readyAfterMs: 4_000 }],
  outages: [{ traffic: 'API', longestGapMs: 2_000, gapFromMs: 13_000 }],
  durationMs: 60_000,
};

describe('drillProblems', () => {
  it('passes a run where nothing was lost or repeated and everything came back in time', () => {
    expect(drillProblems(passing, { readyWithinMs: 15_000 })).toEqual([]);
  });

  it('names each loss, duplicate, late and missing recovery', () => {
    const report: DrillReport = {
      ...passing,
      deliveries: [
        { what: 'webhooks', sent: 10, acknowledged: 10, stored: 9, duplicated: 1, lost: 1 },
        { what: 'API register', sent: 3, acknowledged: 0, stored: 0, duplicated: 0, lost: 0 },
      ],
      recoveries: [
        { what: 'auth#1', how: 'SIGKILL', atMs: 1_000, readyAfterMs: 16_000 },
        { what: 'gateway#1', how: 'SIGKILL', atMs: 2_000 },
      ],
    };
    expect(drillProblems(report, { readyWithinMs: 15_000 })).toEqual([
      'webhooks: 1 acknowledged but lost',
      'webhooks: 1 processed more than once',
      'API register: nothing acknowledged',
      'auth#1: ready only after 16.0 s (limit 15.0 s)',
      'gateway#1: never ready again',
    ]);
  });
});

describe('renderDrillReport', () => {
  it('prints the three tables with the numbers', () => {
    const text = renderDrillReport({
      ...passing,
      deliveries: [{ ...passing.deliveries[0], storedAlso: { where: 'ingest table', count: 9 }, refusals: '503×2' }],
    });
    expect(text).toContain('traffic   sent  acknowledged                stored  duplicated  lost  refused with');
    expect(text).toContain('webhooks    10            10  10 (ingest table: 9)           0     0  503×2');
    expect(text).toMatch(/auth#1 +\+12\.0 s +SIGKILL +4\.0 s/);
    expect(text).toMatch(/API +2\.0 s +\+13\.0 s/);
  });
});
