import { pipeline } from 'node:stream';
import {
  RecordingEvents,
  type RecordingFailedData,
  type RecordingState,
  type RecordingStoredData,
} from '@callfleet/contracts';
import { type JobContext, JobHandler, type JobOutcome, JobScheduler, Outbox } from '@callfleet/persistence';
import { Clock } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import { RecordingEntity } from '../recordings/recording.entity';
import { RecordingMetrics } from '../recordings/recording-metrics';
import { isSettled, nextRecordingState } from '../recordings/recording-state';
import { RecordingStore, type StoredObject } from '../storage/recording-store';
import { RecordingValidator } from '../validation/recording-validator';
import { downloadFailureReason, isPermanentFailure, StoreWriteError } from './download-failure';
import { DELETE_PROVIDER_COPY_JOB } from './provider-copy-deletion.job';
import { ProviderDownloads } from './provider-downloads';
import { DOWNLOAD_RECORDING_JOB } from './recording-intake';

interface DownloadPayload {
  recordingId: string;
}

/**
 * Copies one recording from its provider into the store, streaming: the download's body is the
 * upload's body, so no recording is ever held whole. A recording is `stored` only once the store
 * has the complete object with a verified checksum; a failed attempt leaves it `pending` for the
 * job's retry (with backoff), and the last one leaves it `failed` with the reason. While the store
 * itself is down, attempts are not used up: the job looks again every RECORDING_STORE_RETRY_MS.
 * A crash mid-copy leaves the job's lease to run out: another runner takes it, and the store's
 * incomplete upload is aborted by its cleanup (RecordingStore.cleanupIncomplete).
 */
@Injectable()
export class RecordingDownloadJob {
  private readonly logger = new Logger('RecordingDownload');
  private readonly recordings: Repository<RecordingEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly downloads: ProviderDownloads,
    private readonly store: RecordingStore,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly config: RecordingPipelineConfig,
    private readonly metrics: RecordingMetrics,
    private readonly scheduler: JobScheduler,
  ) {
    this.recordings = dataSource.getRepository(RecordingEntity);
  }

  // Not transactional: a copy takes minutes, and each state change must commit as it happens.
  @JobHandler(DOWNLOAD_RECORDING_JOB, { transactional: false, backoff: { baseDelayMs: 2_000, maxDelayMs: 5 * 60_000 } })
  async download({ recordingId }: DownloadPayload, _context: JobContext): Promise<JobOutcome | undefined> {
    // No download while the store is away: the provider is not asked for bytes that have nowhere to go.
    if (!(await this.storeReachable())) {
      await this.recordings.update({ id: recordingId, state: 'pending' }, { lastError: 'store-unavailable' });
      return { runAgainAt: new Date(this.clock.nowMs() + this.config.RECORDING_STORE_RETRY_MS) };
    }
    const recording = await this.start(recordingId);
    if (!recording) return undefined;
    const startedAt = this.clock.nowMs();
    let stored: StoredObject;
    let durationSec: number;
    let deleteProviderCopy: boolean;
    try {
      ({ stored, durationSec, deleteProviderCopy } = await this.copy(recording));
    } catch (error) {
      return this.attemptFailed(recording, error);
    }
    await this.settle(recording, 'stored', async (manager) => {
      await manager.update(
        RecordingEntity,
        { id: recording.id },
        {
          state: 'stored',
          bytes: stored.bytes,
          sha256: stored.sha256,
          contentType: stored.contentType,
          durationSec,
          lastError: null,
          storedAt: this.clock.now(),
        },
      );
      const data: RecordingStoredData = {
        ...eventFields(recording),
        bytes: stored.bytes,
        sha256: stored.sha256,
        contentType: stored.contentType,
        durationSec,
      };
      await this.outbox.add(manager, RecordingEvents.STORED, data, { orgId: recording.orgId, orderKey: recording.id });
      // Scheduled with `stored` itself: only ever after a verified store, and never lost to a crash.
      if (deleteProviderCopy) {
        await this.scheduler.schedule(
          DELETE_PROVIDER_COPY_JOB,
          this.clock.now(),
          { recordingId: recording.id },
          { key: `delete-provider-copy:${recording.id}`, manager },
        );
      }
    });
    this.metrics.copied(recording.provider, stored.bytes, (this.clock.nowMs() - startedAt) / 1000);
    this.logger.log({ msg: 'recording stored', recordingId: recording.id, bytes: stored.bytes });
    return undefined;
  }

  /** Marks the attempt begun (attempts + 1) and returns the row, or undefined when its copy is over. */
  private async start(recordingId: string): Promise<RecordingEntity | undefined> {
    const recording = await this.recordings.findOne({ where: { id: recordingId } });
    if (!recording || isSettled(recording.state)) return undefined;
    recording.state = nextRecordingState(recording.state, 'attempt-started');
    recording.attempts += 1;
    await this.recordings.update({ id: recording.id }, { state: recording.state, attempts: recording.attempts });
    return recording;
  }

  private async copy(
    recording: RecordingEntity,
  ): Promise<{ stored: StoredObject; durationSec: number; deleteProviderCopy: boolean }> {
    const signal = AbortSignal.timeout(this.config.RECORDING_COPY_TIMEOUT_MS);
    const download = await this.downloads.open(recording);
    const validator = new RecordingValidator({
      declaredBytes: download.contentLength,
      maxBytes: this.config.RECORDING_MAX_BYTES,
      declaredDurationSeconds: recording.providerDurationSec ?? undefined,
    });
    // Provider → validator → store, streamed. A download cut short, or bytes the validator refuses,
    // fail the stream before it ends, and the store then keeps nothing at the key.
    const body = pipeline(download.stream, validator, () => undefined);
    const stopDownload = () => download.stream.destroy(new Error('copy timed out'));
    signal.addEventListener('abort', stopDownload, { once: true });
    try {
      const stored = await this.store.put(recording.objectKey, body, { contentType: download.contentType, signal });
      const proven = validator.result;
      if (proven.sha256 !== stored.sha256 || proven.bytes !== stored.bytes) {
        throw new StoreWriteError(
          new Error(`the store holds ${stored.bytes} bytes ${stored.sha256}, not what was sent`),
        );
      }
      return {
        stored,
        durationSec: proven.durationSeconds,
        deleteProviderCopy: download.deleteProviderCopyAfterStore,
      };
    } catch (error) {
      // The download's or the validator's failure wins over what the store made of it.
      const cause = validator.errored ?? download.stream.errored;
      if (cause) throw cause;
      throw (await this.storeReachable()) ? error : new StoreWriteError(error);
    } finally {
      signal.removeEventListener('abort', stopDownload);
      download.stream.destroy();
    }
  }

  private async attemptFailed(recording: RecordingEntity, error: unknown): Promise<JobOutcome | undefined> {
    const reason = downloadFailureReason(error);
    const { provider } = recording;
    if (reason === 'store-unavailable') {
      // Not the recording's fault: the attempt is given back and the job waits for the store.
      await this.recordings.update(
        { id: recording.id },
        {
          state: nextRecordingState(recording.state, 'attempt-failed'),
          attempts: recording.attempts - 1,
          lastError: reason,
        },
      );
      this.metrics.retries.inc({ provider, reason });
      this.logger.warn(`recording ${recording.id}: store unavailable, waiting (${String(error)})`);
      return { runAgainAt: new Date(this.clock.nowMs() + this.config.RECORDING_STORE_RETRY_MS) };
    }
    const last = isPermanentFailure(reason) || recording.attempts >= this.config.RECORDING_DOWNLOAD_ATTEMPTS;
    if (!last) {
      await this.recordings.update(
        { id: recording.id },
        { state: nextRecordingState(recording.state, 'attempt-failed'), lastError: reason },
      );
      this.metrics.retries.inc({ provider, reason });
      this.logger.warn(`recording ${recording.id}: attempt ${recording.attempts} failed (${reason}): ${String(error)}`);
      throw error;
    }
    await this.settle(recording, 'gave-up', async (manager) => {
      await manager.update(RecordingEntity, { id: recording.id }, { state: 'failed', lastError: reason });
      const data: RecordingFailedData = { ...eventFields(recording), reason, attempts: recording.attempts };
      await this.outbox.add(manager, RecordingEvents.FAILED, data, { orgId: recording.orgId, orderKey: recording.id });
    });
    this.metrics.failures.inc({ provider, reason });
    this.logger.error(`recording ${recording.id} failed after ${recording.attempts} attempt(s): ${reason}`);
    return undefined;
  }

  /** A final state change and its event, in one transaction. */
  private async settle(
    recording: RecordingEntity,
    transition: 'stored' | 'gave-up',
    write: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    const next: RecordingState = nextRecordingState(recording.state, transition);
    await this.dataSource.transaction(write);
    recording.state = next;
  }

  private storeReachable(): Promise<boolean> {
    return this.store.check().then(
      () => true,
      () => false,
    );
  }
}

function eventFields(recording: RecordingEntity) {
  return {
    recordingId: recording.id,
    provider: recording.provider,
    providerRecordingId: recording.providerRecordingId,
    providerCallId: recording.providerCallId,
  };
}
