import type { TelephonyProvider } from '@callfleet/contracts';
import { bigintAsNumber } from '@callfleet/persistence';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One provider call: a hunt's leg, or a single call outside a hunt (same model). */
@Entity({ name: 'calls' })
export class CallEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'hunt_id', type: 'uuid', nullable: true })
  huntId: string | null;

  @Column({ name: 'leg_id', type: 'uuid', nullable: true })
  legId: string | null;

  /** The line the call goes out from (a single call's is leased to it until it ends). */
  @Column({ name: 'line_id', type: 'uuid', nullable: true })
  lineId: string | null;

  @Column({ type: 'text' })
  provider: TelephonyProvider;

  @Column({ name: 'provider_account_id', type: 'uuid' })
  providerAccountId: string;

  @Column({ name: 'account_key', type: 'text' })
  accountKey: string;

  @Column({ name: 'provider_call_id', type: 'text', nullable: true })
  providerCallId: string | null;

  @Column({ type: 'text' })
  direction: 'outbound' | 'inbound';

  @Column({ name: 'from_number', type: 'text' })
  fromNumber: string;

  @Column({ name: 'to_number', type: 'text' })
  toNumber: string;

  /** The provider's call status (`queued`, `ringing`, `in-progress`, `completed`, …). */
  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'boolean' })
  record: boolean;

  @Column({ type: 'jsonb', nullable: true })
  stream: { bidirectional: boolean } | null;

  @Column({ name: 'provider_sequence', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  providerSequence: number | null;

  @Column({ name: 'provider_event_at', type: 'timestamptz', nullable: true })
  providerEventAt: Date | null;

  @Column({ name: 'dial_key', type: 'text' })
  dialKey: string;

  /** When a single call's dial job took the request (before it left): a retried job never sends another. */
  @Column({ name: 'dial_sent_at', type: 'timestamptz', nullable: true })
  dialSentAt: Date | null;

  /** When the provider took the call (its call id known). */
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: string | null;
}
