import {
  FINAL_HUNT_STATUSES,
  type HuntStatus,
  type TargetStatsHourDto,
  type TimeToHumanDto,
} from '@callfleet/contracts';
import { weekTimeIn } from './calling-hours';

/** What the stats need of one hunt: how it ended (so far), when it began, when a person was first on a leg. */
export interface HuntOutcome {
  status: HuntStatus;
  createdAt: Date;
  /** The first leg's `human_at` (or the win, which implies a person); null when none was reached. */
  humanAt: Date | null;
}

export interface TargetStatsTotals {
  hunts: number;
  finished: number;
  connected: number;
  successRate: number | null;
  timeToHuman: TimeToHumanDto;
}

export type TargetStatsAggregate = TargetStatsTotals & { byHourOfWeek: TargetStatsHourDto[] };

/**
 * The p-quantile (0..1) of ascending `sorted`, interpolated between the closest ranks as
 * PostgreSQL's `percentile_cont` does; null for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

function totals(hunts: readonly HuntOutcome[]): TargetStatsTotals {
  let finished = 0;
  let connected = 0;
  const waits: number[] = [];
  for (const hunt of hunts) {
    if (FINAL_HUNT_STATUSES.has(hunt.status)) finished += 1;
    if (hunt.status === 'connected') connected += 1;
    // A clock step between two replicas must not make a negative wait.
    if (hunt.humanAt) waits.push(Math.max(0, hunt.humanAt.getTime() - hunt.createdAt.getTime()));
  }
  waits.sort((a, b) => a - b);
  const round = (value: number | null) => (value === null ? null : Math.round(value));
  return {
    hunts: hunts.length,
    finished,
    connected,
    successRate: finished === 0 ? null : connected / finished,
    timeToHuman: { samples: waits.length, p50Ms: round(percentile(waits, 0.5)), p90Ms: round(percentile(waits, 0.9)) },
  };
}

/**
 * How hunting a target went: hunts, success rate (connected of the finished ones; running hunts are
 * counted but not judged), time from a hunt's start to its first person (p50 / p90), overall and per
 * hour of the week the hunt started in, on `timeZone`'s wall clock. Only hours that had hunts are
 * listed, Monday 00h first.
 */
export function aggregateTargetStats(hunts: readonly HuntOutcome[], timeZone: string): TargetStatsAggregate {
  const slots = new Map<number, HuntOutcome[]>();
  for (const hunt of hunts) {
    const { day, hour } = weekTimeIn(timeZone, hunt.createdAt);
    const slot = (day - 1) * 24 + hour;
    const list = slots.get(slot);
    if (list) list.push(hunt);
    else slots.set(slot, [hunt]);
  }
  const byHourOfWeek = [...slots.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slot, list]) => {
      const { finished: _finished, ...rest } = totals(list);
      return { day: Math.floor(slot / 24) + 1, hour: slot % 24, ...rest };
    });
  return { ...totals(hunts), byHourOfWeek };
}
