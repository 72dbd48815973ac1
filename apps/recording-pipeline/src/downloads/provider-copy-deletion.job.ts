import { ErrorCode } from '@callfleet/contracts';
import { JobHandler } from '@callfleet/persistence';
import { AppException } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { RecordingEntity } from '../recordings/recording.entity';
import { RecordingStore, type StoredObject } from '../storage/recording-store';
import { ProviderDownloads } from './provider-downloads';

export const DELETE_PROVIDER_COPY_JOB = 'recording-pipeline.delete-provider-copy';
/** The account is gone, or its provider cannot delete recordings: no retry changes that. */
const FINAL_ANSWERS = new Set<ErrorCode>([ErrorCode.NOT_FOUND, ErrorCode.BAD_REQUEST]);

/**
 * Deletes the provider's copy of a recording once ours is stored (scheduled in the transaction that
 * marks it `stored`, for accounts with `deleteProviderRecordingAfterStore`). Before asking, it checks
 * again that our object is there with the checksum the row claims: the provider's copy goes only
 * while ours is proven. It only ever calls the provider; a failure is retried with backoff.
 */
@Injectable()
export class ProviderCopyDeletionJob {
  private readonly logger = new Logger('ProviderCopyDeletion');
  private readonly recordings: Repository<RecordingEntity>;

  constructor(
    dataSource: DataSource,
    private readonly providers: ProviderDownloads,
    private readonly store: RecordingStore,
  ) {
    this.recordings = dataSource.getRepository(RecordingEntity);
  }

  @JobHandler(DELETE_PROVIDER_COPY_JOB, {
    maxAttempts: 12,
    transactional: false,
    backoff: { baseDelayMs: 2_000, maxDelayMs: 30 * 60_000 },
  })
  async deleteProviderCopy({ recordingId }: { recordingId: string }): Promise<undefined> {
    const recording = await this.recordings.findOne({ where: { id: recordingId } });
    const object = recording?.state === 'stored' ? await this.store.head(recording.objectKey) : null;
    if (!recording || !isProvenCopy(recording, object)) {
      this.logger.warn(`recording ${recordingId}: our copy is not proven (any more); the provider's stays`);
      return undefined;
    }
    try {
      await this.providers.deleteProviderCopy(recording);
    } catch (error) {
      if (error instanceof AppException && FINAL_ANSWERS.has(error.code)) {
        this.logger.warn(`recording ${recordingId}: provider copy not deleted: ${error.message}`);
        return undefined;
      }
      throw error;
    }
    this.logger.log({ msg: "provider's copy deleted", recordingId, provider: recording.provider });
    return undefined;
  }
}

/** Our copy still is what the row claims: stored, and the object there with the same size and SHA-256. */
export function isProvenCopy(
  recording: Pick<RecordingEntity, 'state' | 'bytes' | 'sha256'>,
  object: StoredObject | null,
): boolean {
  return (
    recording.state === 'stored' &&
    object !== null &&
    recording.sha256 !== null &&
    object.sha256 === recording.sha256 &&
    object.bytes === recording.bytes
  );
}
