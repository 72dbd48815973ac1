import type { RecordingRetentionDto } from '@callfleet/contracts';
import { MANAGER_ROLES, type OrgCaller, requireRole } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { RecordingPipelineConfig } from '../recording-pipeline.config';
import { OrgRetentionEntity } from './org-retention.entity';

/** An organization's recording retention: every member reads it, owners and admins set it. */
@Injectable()
export class OrgRetentionService {
  private readonly logger = new Logger('OrgRetention');
  private readonly retention: Repository<OrgRetentionEntity>;

  constructor(
    dataSource: DataSource,
    private readonly config: RecordingPipelineConfig,
  ) {
    this.retention = dataSource.getRepository(OrgRetentionEntity);
  }

  async get(orgId: string): Promise<RecordingRetentionDto> {
    const row = await this.retention.findOneBy({ orgId });
    return row
      ? { days: row.retentionDays, isDefault: false }
      : { days: this.config.RECORDING_RETENTION_DAYS, isDefault: true };
  }

  /** Takes effect at the next daily run: recordings older than `days` then go, in batches. */
  async set(caller: OrgCaller, days: number): Promise<RecordingRetentionDto> {
    requireRole(caller, MANAGER_ROLES);
    await this.retention.upsert({ orgId: caller.orgId, retentionDays: days }, ['orgId']);
    this.logger.log({ msg: 'recording retention set', orgId: caller.orgId, days, setBy: caller.userId });
    return { days, isDefault: false };
  }
}
