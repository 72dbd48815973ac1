import { JobHandler, JobScheduler } from '@callfleet/persistence';
import { HealthRegistry, MetricsService } from '@callfleet/platform';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RecordingStore } from './recording-store';
import { RecordingStoreConfig } from './recording-store.config';

export const INCOMPLETE_UPLOAD_CLEANUP_JOB = 'recording-pipeline.incomplete-upload-cleanup';

/**
 * The store's part in readiness (`/health/ready` shows `recording-store` down while it cannot be
 * reached) and its sweep: a recurring durable job that removes uploads a crash left incomplete
 * (multipart uploads, partial local files) once they are older than any upload still running.
 * The upload of a key being retried is cleaned at once by the put itself; this catches the rest.
 */
@Injectable()
export class RecordingStoreMaintenance implements OnApplicationBootstrap {
  private readonly logger = new Logger('RecordingStore');
  private readonly removed;

  constructor(
    private readonly store: RecordingStore,
    private readonly config: RecordingStoreConfig,
    private readonly scheduler: JobScheduler,
    health: HealthRegistry,
    metrics: MetricsService,
  ) {
    health.register({ name: 'recording-store', check: () => store.check() });
    this.removed = metrics.counter(
      'callfleet_recordings_incomplete_uploads_removed_total',
      'Incomplete uploads (multipart or partial files) the sweep removed, by driver',
      ['driver'],
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduler.recur(INCOMPLETE_UPLOAD_CLEANUP_JOB, { everyMs: this.config.RECORDINGS_CLEANUP_INTERVAL_MS });
  }

  @JobHandler(INCOMPLETE_UPLOAD_CLEANUP_JOB, { maxAttempts: 3, transactional: false })
  async removeIncompleteUploads(): Promise<number> {
    const removed = await this.store.cleanupIncomplete(this.config.RECORDINGS_INCOMPLETE_MAX_AGE_MS);
    if (removed > 0) {
      this.removed.inc({ driver: this.store.driver }, removed);
      this.logger.log(
        `removed ${removed} incomplete upload(s) older than ${this.config.RECORDINGS_INCOMPLETE_MAX_AGE_MS} ms`,
      );
    }
    return removed;
  }
}
