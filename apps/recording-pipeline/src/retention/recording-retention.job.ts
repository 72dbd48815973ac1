import { type JobContext, JobHandler, JobScheduler } from '@callfleet/persistence';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import { RecordingEntity } from '../recordings/recording.entity';
import { RecordingsService } from '../recordings/recordings.service';

export const RECORDING_RETENTION_JOB = 'recording-pipeline.retention';

/**
 * Daily (a recurring durable job: one run a day whatever the number of replicas): deletes the
 * recordings older than their org's retention (org_retention, else RECORDING_RETENTION_DAYS), in
 * batches that each commit with their `deleted` events and object jobs, so a large backlog never
 * holds long locks. Settled recordings only: one still being copied is left to finish first.
 */
@Injectable()
export class RecordingRetentionJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('RecordingRetention');

  constructor(
    private readonly scheduler: JobScheduler,
    private readonly recordings: RecordingsService,
    private readonly config: RecordingPipelineConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduler.recur(RECORDING_RETENTION_JOB, { dailyAtUtc: this.config.RECORDING_RETENTION_AT_UTC });
  }

  @JobHandler(RECORDING_RETENTION_JOB, { maxAttempts: 3, transactional: false })
  async enforce(_payload: object, { manager, now }: JobContext): Promise<undefined> {
    let total = 0;
    for (;;) {
      const deleted = await manager.transaction(async (tx) => {
        const ids: { id: string }[] = await tx.query(
          `SELECT r.id FROM recordings.recordings r
             LEFT JOIN recordings.org_retention o ON o.org_id = r.org_id
           WHERE r.state IN ('stored', 'failed')
             AND r.created_at < $1::timestamptz - make_interval(days => coalesce(o.retention_days, $2))
           ORDER BY r.created_at LIMIT $3 FOR UPDATE OF r SKIP LOCKED`,
          [now.toISOString(), this.config.RECORDING_RETENTION_DAYS, this.config.RECORDING_RETENTION_BATCH_SIZE],
        );
        if (ids.length === 0) return 0;
        const rows = await tx.getRepository(RecordingEntity).findBy(ids.map(({ id }) => ({ id })));
        await this.recordings.remove(tx, rows, 'retention', null);
        return rows.length;
      });
      total += deleted;
      if (deleted < this.config.RECORDING_RETENTION_BATCH_SIZE) break;
    }
    this.logger.log(`retention: ${total} recording(s) deleted`);
    return undefined;
  }
}
