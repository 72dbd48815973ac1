import { randomUUID } from 'node:crypto';
import {
  type CreateTargetDto,
  ErrorCode,
  type ListTargetsDto,
  TARGET_DEFAULT_LINES,
  type TargetDto,
  type TargetListDto,
  type TargetStatsDto,
  type TargetStatsRequestDto,
  type UpdateTargetDto,
} from '@callfleet/contracts';
import { decodePageCursor, orgScoped, toPage } from '@callfleet/persistence';
import { AppException, Clock, MANAGER_ROLES, type OrgCaller, requireRole } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { type CallingHours, TargetEntity } from './target.entity';
import { aggregateTargetStats } from './target-stats';
import { TargetStatsRepository } from './target-stats.repository';

const DEFAULT_PAGE = 50;
const DAY_MS = 24 * 3600 * 1000;
/** The stats' default period, and the longest one asked for (a year of hunts is read in one query). */
const DEFAULT_STATS_DAYS = 90;
const MAX_STATS_DAYS = 366;

/** What each org hunts: numbers with their IVR scripts, line counts and calling hours. Every role reads; managers write. */
@Injectable()
export class TargetsService {
  private readonly logger = new Logger('Targets');
  private readonly targets: Repository<TargetEntity>;
  private readonly orgTargets;

  constructor(
    dataSource: DataSource,
    private readonly stats: TargetStatsRepository,
    private readonly clock: Clock,
  ) {
    this.targets = dataSource.getRepository(TargetEntity);
    this.orgTargets = orgScoped(this.targets);
  }

  /** The org's target, or NOT_FOUND (also for another org's id). */
  get(orgId: string, id: string): Promise<TargetEntity> {
    return this.orgTargets(orgId).getOne({ id }, 'Target');
  }

  async list(orgId: string, dto: ListTargetsDto): Promise<TargetListDto> {
    const limit = dto.limit ?? DEFAULT_PAGE;
    const query = this.targets
      .createQueryBuilder('t')
      .where('t.org_id = :orgId', { orgId })
      .orderBy('t.created_at', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(limit + 1);
    if (dto.cursor) {
      const after = decodePageCursor(dto.cursor);
      query.andWhere('(t.created_at, t.id) > (:afterAt, :afterId)', { afterAt: after.createdAt, afterId: after.id });
    }
    return toPage(await query.getMany(), limit, toTargetDto);
  }

  async create(caller: OrgCaller, dto: CreateTargetDto): Promise<TargetDto> {
    requireRole(caller, MANAGER_ROLES);
    const saved = await this.targets.save(
      this.targets.create({
        id: randomUUID(),
        orgId: caller.orgId,
        name: dto.name,
        phoneNumber: dto.phoneNumber,
        ivrScript: plainSteps(dto.ivrScript ?? []),
        recommendedLines: dto.recommendedLines ?? TARGET_DEFAULT_LINES,
        callingHours: plainCallingHours(dto.callingHours),
      }),
    );
    this.logger.log({ msg: 'target created', targetId: saved.id, orgId: saved.orgId });
    return toTargetDto(saved);
  }

  async update(caller: OrgCaller, dto: UpdateTargetDto): Promise<TargetDto> {
    requireRole(caller, MANAGER_ROLES);
    const row = await this.get(caller.orgId, dto.id);
    if (dto.name !== undefined) row.name = dto.name;
    if (dto.phoneNumber !== undefined) row.phoneNumber = dto.phoneNumber;
    if (dto.ivrScript !== undefined) row.ivrScript = plainSteps(dto.ivrScript);
    if (dto.recommendedLines !== undefined) row.recommendedLines = dto.recommendedLines;
    if (dto.callingHours !== undefined) row.callingHours = plainCallingHours(dto.callingHours);
    return toTargetDto(await this.targets.save(row));
  }

  /** Past hunts keep their own copy of the number and script; their stats go with the target. */
  async delete(caller: OrgCaller, id: string): Promise<void> {
    requireRole(caller, MANAGER_ROLES);
    const deleted = await this.orgTargets(caller.orgId).delete({ id });
    if (deleted === 0) throw new AppException(ErrorCode.NOT_FOUND, 'Target not found');
    this.logger.log({ msg: 'target deleted', targetId: id, orgId: caller.orgId });
  }

  /** Hunts of the target created in `[from, to)` (default: the last 90 days), by hour of the week in its zone. */
  async targetStats(orgId: string, dto: TargetStatsRequestDto): Promise<TargetStatsDto> {
    const target = await this.get(orgId, dto.id);
    const to = dto.to ? new Date(dto.to) : this.clock.now();
    const from = dto.from ? new Date(dto.from) : new Date(to.getTime() - DEFAULT_STATS_DAYS * DAY_MS);
    if (from.getTime() >= to.getTime() || to.getTime() - from.getTime() > MAX_STATS_DAYS * DAY_MS) {
      throw new AppException(ErrorCode.VALIDATION_ERROR, `from must be before to, at most ${MAX_STATS_DAYS} days`, {
        fields: [{ field: 'from', problems: [`from must be before to, at most ${MAX_STATS_DAYS} days`] }],
      });
    }
    const timeZone = target.callingHours?.timeZone ?? 'UTC';
    const outcomes = await this.stats.huntOutcomes(orgId, target.id, from, to);
    return {
      targetId: target.id,
      from: from.toISOString(),
      to: to.toISOString(),
      timeZone,
      ...aggregateTargetStats(outcomes, timeZone),
    };
  }
}

/** The validated classes as plain JSON for the jsonb columns (no class instances in what TypeORM stores). */
function plainSteps<T>(steps: T[]): T[] {
  return steps.map((step) => ({ ...step }));
}

function plainCallingHours(hours: CallingHours | null | undefined): CallingHours | null {
  if (!hours) return null;
  return {
    timeZone: hours.timeZone,
    windows: hours.windows.map((w) => ({ days: [...w.days], from: w.from, to: w.to })),
  };
}

export function toTargetDto(row: TargetEntity): TargetDto {
  return {
    id: row.id,
    name: row.name,
    phoneNumber: row.phoneNumber,
    ivrScript: row.ivrScript,
    recommendedLines: row.recommendedLines,
    callingHours: row.callingHours,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
