import type { TelephonyProvider } from '@callfleet/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A number or extension calls go out from, synced from a provider account; leased by one leg at a time. */
@Entity({ name: 'lines' })
export class LineEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'provider_account_id', type: 'uuid' })
  providerAccountId: string;

  @Column({ type: 'text' })
  provider: TelephonyProvider;

  @Column({ name: 'provider_line_id', type: 'text' })
  providerLineId: string;

  @Column({ type: 'text' })
  number: string;

  @Column({ type: 'text' })
  label: string;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ type: 'text', array: true })
  pools: string[];

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;

  @Column({ name: 'leased_hunt_id', type: 'uuid', nullable: true })
  leasedHuntId: string | null;

  @Column({ name: 'leased_leg_id', type: 'uuid', nullable: true })
  leasedLegId: string | null;

  /** A single call's lease (a line is held by a hunt or by one call, never both). */
  @Column({ name: 'leased_call_id', type: 'uuid', nullable: true })
  leasedCallId: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
