import type { IvrStep } from '@callfleet/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Calling hours of a target: windows in its own time zone (days 1 = Monday … 7 = Sunday). */
export interface CallingHours {
  timeZone: string;
  windows: { days: number[]; from: string; to: string }[];
}

/** What is hunted: a phone number, its IVR script, how many lines suit it, when it may be called. */
@Entity({ name: 'targets' })
export class TargetEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'phone_number', type: 'text' })
  phoneNumber: string;

  @Column({ name: 'ivr_script', type: 'jsonb' })
  ivrScript: IvrStep[];

  @Column({ name: 'recommended_lines', type: 'integer' })
  recommendedLines: number;

  @Column({ name: 'calling_hours', type: 'jsonb', nullable: true })
  callingHours: CallingHours | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
