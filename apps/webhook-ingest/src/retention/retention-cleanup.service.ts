import { MetricsService } from '@callfleet/platform';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { WebhookIngestConfig } from '../webhook-ingest.config';
import { nextDailyRunAt } from './daily-schedule';

/** Any constant works: it only keeps two replicas from cleaning at once. */
const CLEANUP_LOCK_KEY = 7_300_100_001;

export interface CleanupResult {
  deliveryLogRows: number;
  processedEvents: number;
  /** False when another replica held the lock and did the work. */
  ran: boolean;
}

/**
 * Daily at RETENTION_CLEANUP_AT_UTC: deletes delivery log rows older than
 * DELIVERY_LOG_RETENTION_DAYS and processed event ids older than PROCESSED_EVENT_RETENTION_HOURS,
 * in batches, so a large backlog never holds long locks nor one huge transaction.
 */
@Injectable()
export class RetentionCleanup implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RetentionCleanup');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: WebhookIngestConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** No new run after this, and a run under way finishes before the data source closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = nextDailyRunAt(Date.now(), this.config.RETENTION_CLEANUP_AT_UTC) - Date.now();
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => this.logger.error(`retention cleanup failed: ${String(error)}`))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, delay).unref();
  }

  async runOnce(now = new Date()): Promise<CleanupResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [CLEANUP_LOCK_KEY]);
      if (!locked) return { deliveryLogRows: 0, processedEvents: 0, ran: false };
      try {
        const logCutoff = new Date(now.getTime() - this.config.DELIVERY_LOG_RETENTION_DAYS * 24 * 3600 * 1000);
        const eventCutoff = new Date(now.getTime() - this.config.PROCESSED_EVENT_RETENTION_HOURS * 3600 * 1000);
        const deliveryLogRows = await this.deleteInBatches(
          runner,
          'webhook_delivery_log',
          'id',
          'received_at',
          logCutoff,
        );
        const processedEvents = await this.deleteInBatches(
          runner,
          'processed_webhook_events',
          'event_id',
          'processed_at',
          eventCutoff,
        );
        this.logger.log(`retention cleanup: ${deliveryLogRows} delivery log rows, ${processedEvents} processed ids`);
        return { deliveryLogRows, processedEvents, ran: true };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [CLEANUP_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  private async deleteInBatches(
    runner: QueryRunner,
    table: 'webhook_delivery_log' | 'processed_webhook_events',
    key: string,
    timeColumn: string,
    cutoff: Date,
  ): Promise<number> {
    const batch = this.config.RETENTION_BATCH_SIZE;
    const deleted = this.metrics.counter(
      'callfleet_webhooks_retention_deleted_rows_total',
      'Rows the retention cleanup deleted, by table',
      ['table'],
    );
    let total = 0;
    for (;;) {
      const [{ n }] = await runner.query(
        `WITH gone AS (
           DELETE FROM ingest.${table} WHERE ${key} IN (
             SELECT ${key} FROM ingest.${table} WHERE ${timeColumn} < $1 ORDER BY ${timeColumn} LIMIT $2)
           RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [cutoff.toISOString(), batch],
      );
      total += n;
      deleted.inc({ table }, n);
      if (n < batch) return total;
    }
  }
}
