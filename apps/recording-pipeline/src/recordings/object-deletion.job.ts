import { JobHandler } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import { RecordingStore } from '../storage/recording-store';
import { DELETE_OBJECT_JOB } from './recordings.service';

/** Removes a deleted recording's object (scheduled with the row's deletion); deleting twice is harmless. */
@Injectable()
export class ObjectDeletionJob {
  constructor(private readonly store: RecordingStore) {}

  @JobHandler(DELETE_OBJECT_JOB, {
    maxAttempts: Number.POSITIVE_INFINITY,
    backoff: { baseDelayMs: 5_000, maxDelayMs: 10 * 60_000 },
  })
  async deleteObject({ objectKey }: { objectKey: string }): Promise<undefined> {
    await this.store.delete(objectKey);
    return undefined;
  }
}
