import { randomUUID } from 'node:crypto';
import { Streams, TelephonyIngress, type TelephonyIngressEvent } from '@callfleet/contracts';
import { JobScheduler } from '@callfleet/persistence';
import { Clock, JetStreamService } from '@callfleet/platform';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import { recordingKey } from '../storage/recording-store';
import { type RecordingCandidate, recordingCandidateOf } from './recording-candidate';

export const RECORDING_INTAKE_CONSUMER = 'recording-pipeline-recordings';
/** Every provider's recording events, one filter (nats-server 2.9 takes one per consumer). */
export const RECORDING_INGRESS_FILTER = 'ingress.*.v1.recording';
export const DOWNLOAD_RECORDING_JOB = 'recording-pipeline.download';

/** Provider call ids go into object keys: anything outside the keys' safe set becomes `_`. */
export function keySegment(text: string): string {
  return text
    .replace(/^\./, '_')
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 128);
}

/**
 * Turns recording events into rows and download jobs. A durable consumer, so events that arrived
 * while the pipeline was down are taken when it is back. The row and its job commit together; the
 * row is unique by (account key, provider recording id), so a redelivered or repeated event (the
 * provider's retries, Exotel's status and recording callbacks) adds nothing.
 */
@Injectable()
export class RecordingIntake implements OnApplicationBootstrap {
  private readonly logger = new Logger('RecordingIntake');

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly dataSource: DataSource,
    private readonly scheduler: JobScheduler,
    private readonly clock: Clock,
    private readonly config: RecordingPipelineConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // webhook-ingest creates the stream too (same spec); whoever starts first makes it.
    await this.jetstream.ensureStream(Streams.INGRESS);
    await this.jetstream.consume({
      event: TelephonyIngress,
      subject: RECORDING_INGRESS_FILTER,
      durable: RECORDING_INTAKE_CONSUMER,
      handler: async (event) => {
        await this.take(event);
      },
    });
  }

  /** True when the event made a new recording (false: nothing to copy, or already known). */
  async take(event: TelephonyIngressEvent): Promise<boolean> {
    const candidate = recordingCandidateOf(event);
    if (!candidate) return false;
    const created = await this.dataSource.transaction(async (manager) => {
      const id = randomUUID();
      const now = this.clock.now();
      const rows: { id: string }[] = await manager.query(
        `INSERT INTO recordings.recordings (id, org_id, provider, account_key, provider_recording_id, provider_call_id,
           source_url, format, state, attempts, object_key, provider_duration_sec, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $10, $11, $11)
         ON CONFLICT (account_key, provider_recording_id) DO NOTHING
         RETURNING id`,
        [
          id,
          candidate.orgId,
          candidate.provider,
          candidate.accountKey,
          candidate.providerRecordingId,
          candidate.providerCallId,
          candidate.url,
          candidate.format,
          objectKeyOf(candidate, id, now),
          candidate.providerDurationSec,
          now,
        ],
      );
      if (rows.length === 0) return false;
      await this.scheduler.schedule(
        DOWNLOAD_RECORDING_JOB,
        now,
        { recordingId: id },
        { key: `download:${id}`, maxAttempts: this.config.RECORDING_DOWNLOAD_ATTEMPTS, manager },
      );
      return true;
    });
    if (created) {
      this.logger.log({
        msg: 'recording announced',
        provider: candidate.provider,
        recording: candidate.providerRecordingId,
      });
    }
    return created;
  }
}

function objectKeyOf(candidate: RecordingCandidate, id: string, createdAt: Date): string {
  return recordingKey({
    orgId: candidate.orgId,
    callId: keySegment(candidate.providerCallId),
    recordingId: id,
    createdAt,
    ext: candidate.format,
  });
}
