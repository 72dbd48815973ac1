import { orgScoped } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TargetEntity } from './target.entity';

/** What each org hunts: numbers with their IVR scripts, line counts and calling hours. */
@Injectable()
export class TargetsService {
  private readonly orgTargets;

  constructor(dataSource: DataSource) {
    this.orgTargets = orgScoped(dataSource.getRepository(TargetEntity));
  }

  /** The org's target, or NOT_FOUND (also for another org's id). */
  get(orgId: string, id: string): Promise<TargetEntity> {
    return this.orgTargets(orgId).getOne({ id }, 'Target');
  }
}
