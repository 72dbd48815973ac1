import { RECORDING_STATES, type TelephonyProvider } from '@callfleet/contracts';
import { Clock, MetricsService } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';

/** Seconds a 2-hour recording may take at a slow provider; copies are not request latencies. */
const COPY_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 1800];

interface StateSummary {
  counts: Map<string, number>;
  oldestPending: Date | null;
}

/**
 * The pipeline's metrics. Counts by state and the oldest pending age are read from the table at
 * each scrape (the same table for every replica, hence `max` in the alerts); the rest is counted by
 * the process doing the copy.
 */
@Injectable()
export class RecordingMetrics {
  private readonly logger = new Logger('RecordingMetrics');
  readonly bytesCopied: Counter<'provider'>;
  readonly copyDuration: Histogram<'provider'>;
  readonly retries: Counter<'provider' | 'reason'>;
  readonly failures: Counter<'provider' | 'reason'>;
  private summary?: Promise<StateSummary>;

  constructor(dataSource: DataSource, clock: Clock, metrics: MetricsService) {
    const states = (): Promise<StateSummary> => {
      this.summary ??= dataSource
        .query<{ state: string; n: number; oldest: Date | null }[]>(
          `SELECT state, count(*)::int AS n, min(created_at) FILTER (WHERE state IN ('pending', 'downloading')) AS oldest
           FROM recordings.recordings GROUP BY state`,
        )
        .then((rows) => ({
          counts: new Map(rows.map((r) => [r.state, r.n])),
          oldestPending: rows.reduce<Date | null>(
            (oldest, r) => (r.oldest && (!oldest || r.oldest < oldest) ? r.oldest : oldest),
            null,
          ),
        }))
        .finally(() => setImmediate(() => (this.summary = undefined)));
      return this.summary;
    };
    const readInto = async (set: (summary: StateSummary) => void) => {
      try {
        set(await states());
      } catch (error) {
        this.logger.debug(`recording states not read: ${String(error)}`);
      }
    };
    metrics.gauge('callfleet_recordings', 'Recordings by state', ['state'], (gauge) =>
      readInto(({ counts }) => {
        for (const state of RECORDING_STATES) gauge.set({ state }, counts.get(state) ?? 0);
      }),
    );
    metrics.gauge(
      'callfleet_recordings_oldest_pending_age_seconds',
      'Age of the oldest recording not yet stored nor failed (0 when none waits)',
      [],
      (gauge) =>
        readInto(({ oldestPending }) =>
          gauge.set(oldestPending ? Math.max(0, clock.nowMs() - oldestPending.getTime()) / 1000 : 0),
        ),
    );
    this.bytesCopied = metrics.counter(
      'callfleet_recordings_copied_bytes_total',
      'Bytes of recordings copied into the store',
      ['provider'],
    );
    this.copyDuration = metrics.histogram(
      'callfleet_recordings_copy_duration_seconds',
      'Time from the start of a download to the verified object, per successful copy',
      ['provider'],
      COPY_BUCKETS,
    );
    this.retries = metrics.counter(
      'callfleet_recordings_download_retries_total',
      'Recording download attempts that failed and will be tried again, by reason',
      ['provider', 'reason'],
    );
    this.failures = metrics.counter(
      'callfleet_recordings_failures_total',
      'Recordings that failed after their last attempt, by reason',
      ['provider', 'reason'],
    );
  }

  copied(provider: TelephonyProvider, bytes: number, seconds: number): void {
    this.bytesCopied.inc({ provider }, bytes);
    this.copyDuration.observe({ provider }, seconds);
  }
}
