import type { RecordingState, TelephonyProvider } from '@callfleet/contracts';
import { bigintAsNumber } from '@callfleet/persistence';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Audio container of a provider's recording, and the extension of its object key. */
export type RecordingFormat = 'wav' | 'mp3';

/**
 * One provider recording and its copy into our store. Unique by (account key, provider recording
 * id): a redelivered or repeated event finds its row and adds nothing.
 */
@Entity({ name: 'recordings' })
export class RecordingEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text' })
  provider: TelephonyProvider;

  @Column({ name: 'account_key', type: 'text' })
  accountKey: string;

  @Column({ name: 'provider_recording_id', type: 'text' })
  providerRecordingId: string;

  @Column({ name: 'provider_call_id', type: 'text' })
  providerCallId: string;

  @Column({ name: 'call_id', type: 'uuid', nullable: true })
  callId: string | null;

  @Column({ name: 'hunt_id', type: 'uuid', nullable: true })
  huntId: string | null;

  /** Where the provider said the media is; fetched only through its adapter (credentials, URL policy). */
  @Column({ name: 'source_url', type: 'text' })
  sourceUrl: string;

  @Column({ type: 'text' })
  format: RecordingFormat;

  @Column({ type: 'text' })
  state: RecordingState;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'object_key', type: 'text' })
  objectKey: string;

  @Column({ name: 'content_type', type: 'text', nullable: true })
  contentType: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  bytes: number | null;

  @Column({ type: 'text', nullable: true })
  sha256: string | null;

  @Column({ name: 'duration_sec', type: 'double precision', nullable: true })
  durationSec: number | null;

  @Column({ name: 'provider_duration_sec', type: 'double precision', nullable: true })
  providerDurationSec: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'stored_at', type: 'timestamptz', nullable: true })
  storedAt: Date | null;
}
