import type { HuntStatus } from '@callfleet/contracts';
import { aggregateTargetStats, type HuntOutcome, percentile } from './target-stats';

const hunt = (status: HuntStatus, createdAt: string, humanAfterMs: number | null): HuntOutcome => ({
  status,
  createdAt: new Date(createdAt),
  humanAt: humanAfterMs === null ? null : new Date(new Date(createdAt).getTime() + humanAfterMs),
});

describe('target stats', () => {
  it('interpolates percentiles as percentile_cont does', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBeCloseTo(91);
  });

  it('has nothing to say about no hunts', () => {
    expect(aggregateTargetStats([], 'UTC')).toEqual({
      hunts: 0,
      finished: 0,
      connected: 0,
      successRate: null,
      timeToHuman: { samples: 0, p50Ms: null, p90Ms: null },
      byHourOfWeek: [],
    });
  });

  it('judges finished hunts only, and times the first person of every hunt that reached one', () => {
    const stats = aggregateTargetStats(
      [
        hunt('connected', '2026-11-30T09:10:00Z', 60_000),
        hunt('connected', '2026-11-30T09:20:00Z', 120_000),
        hunt('failed', '2026-11-30T09:30:00Z', 180_000), // a person, but the destination never answered
        hunt('exhausted', '2026-11-30T09:40:00Z', null),
        hunt('running', '2026-11-30T09:50:00Z', null),
      ],
      'UTC',
    );
    expect(stats).toMatchObject({ hunts: 5, finished: 4, connected: 2, successRate: 0.5 });
    expect(stats.timeToHuman).toEqual({ samples: 3, p50Ms: 120_000, p90Ms: 168_000 });
  });

  it('groups by the hour of the week the hunt started in, on the given wall clock', () => {
    const hunts = [
      hunt('connected', '2026-11-30T09:10:00Z', 60_000), // Mon 09 UTC, Mon 10 Berlin
      hunt('failed', '2026-11-30T09:50:00Z', null),
      hunt('connected', '2026-12-06T23:30:00Z', 30_000), // Sun 23 UTC, Mon 00 Berlin
      hunt('connected', '2026-12-02T15:00:00Z', 1_000), // Wed 15 UTC
    ];
    expect(aggregateTargetStats(hunts, 'UTC').byHourOfWeek).toEqual([
      {
        day: 1,
        hour: 9,
        hunts: 2,
        connected: 1,
        successRate: 0.5,
        timeToHuman: { samples: 1, p50Ms: 60_000, p90Ms: 60_000 },
      },
      {
        day: 3,
        hour: 15,
        hunts: 1,
        connected: 1,
        successRate: 1,
        timeToHuman: { samples: 1, p50Ms: 1_000, p90Ms: 1_000 },
      },
      {
        day: 7,
        hour: 23,
        hunts: 1,
        connected: 1,
        successRate: 1,
        timeToHuman: { samples: 1, p50Ms: 30_000, p90Ms: 30_000 },
      },
    ]);
    const berlin = aggregateTargetStats(hunts, 'Europe/Berlin').byHourOfWeek.map((h) => [h.day, h.hour, h.hunts]);
    expect(berlin).toEqual([
      [1, 0, 1],
      [1, 10, 2],
      [3, 16, 1],
    ]);
  });

  it('never reports a negative wait when a person was recorded before the hunt row (clock skew)', () => {
    const stats = aggregateTargetStats([hunt('connected', '2026-11-30T09:10:00Z', -500)], 'UTC');
    expect(stats.timeToHuman).toEqual({ samples: 1, p50Ms: 0, p90Ms: 0 });
  });
});
