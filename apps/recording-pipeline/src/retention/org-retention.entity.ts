import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An organization's own recording retention; orgs without a row keep recordings RECORDING_RETENTION_DAYS. */
@Entity({ name: 'org_retention' })
export class OrgRetentionEntity {
  @PrimaryColumn({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @Column({ name: 'retention_days', type: 'integer' })
  retentionDays: number;
}
