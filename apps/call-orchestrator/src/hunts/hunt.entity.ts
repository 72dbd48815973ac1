import type { DestinationSpec, HuntStatus, IvrStep } from '@callfleet/contracts';
import { bigintAsNumber } from '@callfleet/persistence';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export interface HuntRedial {
  maxAttemptsPerLine: number;
  backoffMs: number;
}

export interface HuntDetection {
  mode: 'auto' | 'confirm';
  minConfidence: number;
}

/** One hunt: N legs on one target, at most one winner, handed off to a destination. */
@Entity({ name: 'hunts' })
export class HuntEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'target_id', type: 'uuid', nullable: true })
  targetId: string | null;

  @Column({ name: 'phone_number', type: 'text' })
  phoneNumber: string;

  @Column({ name: 'ivr_script', type: 'jsonb' })
  ivrScript: IvrStep[];

  @Column({ name: 'destination_id', type: 'uuid', nullable: true })
  destinationId: string | null;

  @Column({ type: 'jsonb' })
  destination: DestinationSpec;

  @Column({ name: 'provider_account_id', type: 'uuid' })
  providerAccountId: string;

  @Column({ name: 'line_count', type: 'integer' })
  lineCount: number;

  @Column({ name: 'stagger_ms', type: 'integer' })
  staggerMs: number;

  @Column({ name: 'max_duration_minutes', type: 'integer' })
  maxDurationMinutes: number;

  @Column({ type: 'jsonb' })
  redial: HuntRedial;

  @Column({ type: 'jsonb' })
  detection: HuntDetection;

  @Column({ type: 'text' })
  status: HuntStatus;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: string | null;

  @Column({ name: 'winner_leg_id', type: 'uuid', nullable: true })
  winnerLegId: string | null;

  @Column({ name: 'winner_fence', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  winnerFence: number | null;

  @Column({ name: 'won_at', type: 'timestamptz', nullable: true })
  wonAt: Date | null;

  @Column({ name: 'transfer_status', type: 'text', nullable: true })
  transferStatus: string | null;

  @Column({ name: 'transfer_attempts', type: 'integer' })
  transferAttempts: number;

  @Column({ name: 'connected_at', type: 'timestamptz', nullable: true })
  connectedAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ name: 'deadline_at', type: 'timestamptz' })
  deadlineAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
