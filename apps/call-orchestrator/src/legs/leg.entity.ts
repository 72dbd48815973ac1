import type { LegEndReason, LegStatus } from '@callfleet/contracts';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** What decided (or is deciding) that a leg has a person on it. */
export interface LegDetection {
  decidedBy: 'media' | 'amd' | 'manual' | 'call-state';
  confidence: number;
  atMs?: number;
  evidence?: string[];
}

/** One outbound call attempt of a hunt on one line. */
@Entity({ name: 'legs' })
export class LegEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'hunt_id', type: 'uuid' })
  huntId: string;

  @Column({ name: 'line_id', type: 'uuid' })
  lineId: string;

  @Column({ name: 'call_id', type: 'uuid', nullable: true })
  callId: string | null;

  @Column({ type: 'integer' })
  attempt: number;

  @Column({ type: 'text' })
  status: LegStatus;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: LegEndReason | null;

  @Column({ name: 'ivr_step', type: 'integer' })
  ivrStep: number;

  @Column({ type: 'jsonb', nullable: true })
  detection: LegDetection | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ name: 'human_at', type: 'timestamptz', nullable: true })
  humanAt: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
