import type { LegEventSource } from '@callfleet/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One line of a leg's (or a single call's) history: a provider event, a media signal, a decision. */
@Entity({ name: 'leg_events' })
export class LegEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'hunt_id', type: 'uuid', nullable: true })
  huntId: string | null;

  @Column({ name: 'leg_id', type: 'uuid', nullable: true })
  legId: string | null;

  @Column({ name: 'call_id', type: 'uuid', nullable: true })
  callId: string | null;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'text' })
  source: LegEventSource;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'double precision', nullable: true })
  confidence: number | null;

  @Column({ type: 'jsonb' })
  detail: Record<string, unknown>;

  /** A detection signal's own key (its event id): unique, so a redelivered signal is kept once. */
  @Column({ name: 'signal_key', type: 'text', nullable: true })
  signalKey: string | null;
}
