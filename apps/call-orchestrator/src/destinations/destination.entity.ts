import type { DestinationKind } from '@callfleet/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where a won call goes: a phone number (with digits for a queue's extension) or a SIP URI. */
@Entity({ name: 'destinations' })
export class DestinationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  kind: DestinationKind;

  @Column({ type: 'text', nullable: true })
  number: string | null;

  @Column({ name: 'send_digits', type: 'text', nullable: true })
  sendDigits: string | null;

  @Column({ type: 'text', nullable: true })
  uri: string | null;

  @Column({ name: 'is_default', type: 'boolean' })
  isDefault: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
