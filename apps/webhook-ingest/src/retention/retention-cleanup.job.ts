import { type JobContext, JobHandler, JobScheduler } from '@callfleet/persistence';
import { MetricsService } from '@callfleet/platform';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { WebhookIngestConfig } from '../webhook-ingest.config';

export const RETENTION_CLEANUP_JOB = 'webhook-ingest.retention-cleanup';

/**
 * Daily at RETENTION_CLEANUP_AT_UTC (a recurring durable job: one run per day whatever the number
 * of replicas): deletes delivery log rows older than DELIVERY_LOG_RETENTION_DAYS and processed
 * event ids older than PROCESSED_EVENT_RETENTION_HOURS, in batches that each commit, so a large
 * backlog never holds long locks nor one huge transaction. A failed run is retried; the deletes
 * are idempotent.
 */
@Injectable()
export class RetentionCleanup implements OnApplicationBootstrap {
  private readonly logger = new Logger('RetentionCleanup');
  private readonly deleted;

  constructor(
    private readonly scheduler: JobScheduler,
    private readonly config: WebhookIngestConfig,
    metrics: MetricsService,
  ) {
    this.deleted = metrics.counter(
      'callfleet_webhooks_retention_deleted_rows_total',
      'Rows the retention cleanup deleted, by table',
      ['table'],
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduler.recur(RETENTION_CLEANUP_JOB, { dailyAtUtc: this.config.RETENTION_CLEANUP_AT_UTC });
  }

  @JobHandler(RETENTION_CLEANUP_JOB, { maxAttempts: 3, transactional: false })
  async cleanUp(_payload: object, { manager, now }: JobContext): Promise<void> {
    const logCutoff = new Date(now.getTime() - this.config.DELIVERY_LOG_RETENTION_DAYS * 24 * 3600 * 1000);
    const eventCutoff = new Date(now.getTime() - this.config.PROCESSED_EVENT_RETENTION_HOURS * 3600 * 1000);
    const deliveryLogRows = await this.deleteInBatches(manager, 'webhook_delivery_log', 'id', 'received_at', logCutoff);
    const processedEvents = await this.deleteInBatches(
      manager,
      'processed_webhook_events',
      'event_id',
      'processed_at',
      eventCutoff,
    );
    this.logger.log(`retention cleanup: ${deliveryLogRows} delivery log rows, ${processedEvents} processed ids`);
  }

  private async deleteInBatches(
    manager: EntityManager,
    table: 'webhook_delivery_log' | 'processed_webhook_events',
    key: string,
    timeColumn: string,
    cutoff: Date,
  ): Promise<number> {
    const batch = this.config.RETENTION_BATCH_SIZE;
    let total = 0;
    for (;;) {
      const [{ n }] = await manager.query(
        `WITH gone AS (
           DELETE FROM ingest.${table} WHERE ${key} IN (
             SELECT ${key} FROM ingest.${table} WHERE ${timeColumn} < $1 ORDER BY ${timeColumn} LIMIT $2)
           RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [cutoff.toISOString(), batch],
      );
      total += n;
      this.deleted.inc({ table }, n);
      if (n < batch) return total;
    }
  }
}
