import type { Clock, MetricsService } from '@callfleet/platform';
import { Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';
import { outboxTable } from './outbox-table';

interface UnsentSummary {
  depth: number;
  oldest: Date | null;
}

/**
 * The outbox's health as Prometheus sees it. Depth and oldest age are read from the table at each
 * scrape (every replica reports the same table, hence `max` in the alert), so they are true even
 * when no relay runs; published and failed attempts are counted by the relay of this process.
 */
export class OutboxMetrics {
  private readonly logger = new Logger('OutboxMetrics');
  readonly published: Counter;
  readonly publishFailures: Counter;
  private summary?: Promise<UnsentSummary>;

  constructor(dataSource: DataSource, schema: string, clock: Clock, metrics: MetricsService) {
    const query = `SELECT count(*)::int AS depth, min(created_at) AS oldest FROM ${outboxTable(schema)} WHERE sent_at IS NULL`;
    // Both gauges are collected in one scrape: one query serves them.
    const unsent = (): Promise<UnsentSummary> => {
      this.summary ??= dataSource
        .query<UnsentSummary[]>(query)
        .then(([row]) => row)
        .finally(() => setImmediate(() => (this.summary = undefined)));
      return this.summary;
    };
    const readInto = async (set: (summary: UnsentSummary) => void) => {
      try {
        set(await unsent());
      } catch (error) {
        // The last value stays; the database's own health is on /health/ready.
        this.logger.debug(`outbox depth not read: ${String(error)}`);
      }
    };
    metrics.gauge('callfleet_outbox_unsent_events', 'Events in the outbox not yet on JetStream', [], (gauge) =>
      readInto(({ depth }) => gauge.set(depth)),
    );
    metrics.gauge(
      'callfleet_outbox_oldest_unsent_age_seconds',
      'Age of the oldest event in the outbox not yet on JetStream (0 when none waits)',
      [],
      (gauge) => readInto(({ oldest }) => gauge.set(oldest ? Math.max(0, clock.nowMs() - oldest.getTime()) / 1000 : 0)),
    );
    this.published = metrics.counter('callfleet_outbox_published_total', 'Outbox events published to JetStream');
    this.publishFailures = metrics.counter(
      'callfleet_outbox_publish_failures_total',
      'Outbox publish attempts that got no PubAck (retried with backoff)',
    );
  }
}
