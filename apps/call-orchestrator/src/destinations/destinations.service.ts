import { randomUUID } from 'node:crypto';
import {
  type CreateDestinationDto,
  type DestinationDto,
  type DestinationListDto,
  type DestinationSpec,
  ErrorCode,
  type ListDestinationsDto,
  type UpdateDestinationDto,
} from '@callfleet/contracts';
import { decodePageCursor, orgScoped, toPage } from '@callfleet/persistence';
import { AppException, MANAGER_ROLES, type OrgCaller, requireRole } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DestinationEntity } from './destination.entity';
import { applyDestinationPatch } from './destination-patch';

/** A destination's spec with its id: what a hunt stores as the place its winner goes. */
export type ResolvedDestination = DestinationSpec & { id: string };

const DEFAULT_PAGE = 50;

/** Where won calls go, per organization: one of them is the default. Every role reads; managers write. */
@Injectable()
export class DestinationsService {
  private readonly logger = new Logger('Destinations');
  private readonly orgDestinations;

  constructor(private readonly dataSource: DataSource) {
    this.orgDestinations = orgScoped(dataSource.getRepository(DestinationEntity));
  }

  /**
   * The destination a hunt hands off to: the one named, or the org's default. Another org's id is
   * NOT_FOUND; an org without a default (and no id given) gets a VALIDATION_ERROR that says so.
   */
  async resolve(orgId: string, destinationId?: string): Promise<ResolvedDestination> {
    if (destinationId) {
      return toResolvedDestination(await this.orgDestinations(orgId).getOne({ id: destinationId }, 'Destination'));
    }
    const fallback = await this.orgDestinations(orgId).findOne({ isDefault: true });
    if (!fallback) {
      throw new AppException(
        ErrorCode.VALIDATION_ERROR,
        'No default destination: name a destinationId, or make one of the destinations the default',
        { fields: [{ field: 'destinationId', problems: ['the organization has no default destination'] }] },
      );
    }
    return toResolvedDestination(fallback);
  }

  async list(orgId: string, dto: ListDestinationsDto): Promise<DestinationListDto> {
    const limit = dto.limit ?? DEFAULT_PAGE;
    const query = this.dataSource
      .getRepository(DestinationEntity)
      .createQueryBuilder('d')
      .where('d.org_id = :orgId', { orgId })
      .orderBy('d.created_at', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .limit(limit + 1);
    if (dto.cursor) {
      const after = decodePageCursor(dto.cursor);
      query.andWhere('(d.created_at, d.id) > (:afterAt, :afterId)', { afterAt: after.createdAt, afterId: after.id });
    }
    return toPage(await query.getMany(), limit, toDestinationDto);
  }

  async get(orgId: string, id: string): Promise<DestinationDto> {
    return toDestinationDto(await this.orgDestinations(orgId).getOne({ id }, 'Destination'));
  }

  /**
   * A new destination. `isDefault: true` makes it the default, and the org's first destination is the
   * default unless it says `isDefault: false` (so a hunt can start without naming one).
   */
  async create(caller: OrgCaller, dto: CreateDestinationDto): Promise<DestinationDto> {
    requireRole(caller, MANAGER_ROLES);
    const saved = await this.dataSource.transaction(async (manager) => {
      await lockDefault(manager, caller.orgId);
      const hasDefault = await manager.existsBy(DestinationEntity, { orgId: caller.orgId, isDefault: true });
      const isDefault = dto.isDefault ?? !hasDefault;
      if (isDefault) await unsetDefault(manager, caller.orgId);
      return manager.save(
        manager.create(DestinationEntity, {
          id: randomUUID(),
          orgId: caller.orgId,
          name: dto.name,
          kind: dto.kind,
          number: dto.kind === 'phone' ? (dto.number ?? null) : null,
          sendDigits: dto.kind === 'phone' ? (dto.sendDigits ?? null) : null,
          uri: dto.kind === 'sip' ? (dto.uri ?? null) : null,
          isDefault,
        }),
      );
    });
    this.logger.log({ msg: 'destination created', destinationId: saved.id, orgId: saved.orgId, kind: saved.kind });
    return toDestinationDto(saved);
  }

  /** The fields given change; `isDefault: true` moves the default here in the same transaction. */
  async update(caller: OrgCaller, dto: UpdateDestinationDto): Promise<DestinationDto> {
    requireRole(caller, MANAGER_ROLES);
    const { id, isDefault, ...patch } = dto;
    const saved = await this.dataSource.transaction(async (manager) => {
      if (isDefault) await lockDefault(manager, caller.orgId);
      const row = await manager.findOne(DestinationEntity, {
        where: { id, orgId: caller.orgId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) throw new AppException(ErrorCode.NOT_FOUND, 'Destination not found');
      Object.assign(row, applyDestinationPatch(row, patch));
      if (isDefault === true && !row.isDefault) await unsetDefault(manager, caller.orgId);
      if (isDefault !== undefined) row.isDefault = isDefault;
      return manager.save(row);
    });
    return toDestinationDto(saved);
  }

  /** Running hunts keep the copy they took at their start; a deleted default leaves the org without one. */
  async delete(caller: OrgCaller, id: string): Promise<void> {
    requireRole(caller, MANAGER_ROLES);
    const deleted = await this.orgDestinations(caller.orgId).delete({ id });
    if (deleted === 0) throw new AppException(ErrorCode.NOT_FOUND, 'Destination not found');
    this.logger.log({ msg: 'destination deleted', destinationId: id, orgId: caller.orgId });
  }
}

/**
 * Serializes the writes that set an org's default: two concurrent "make this the default" would
 * otherwise both clear the old one and collide on the one-default index (a 409 for a valid request).
 */
async function lockDefault(manager: EntityManager, orgId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('orchestrator.destinations.default:' || $1, 0))`, [
    orgId,
  ]);
}

async function unsetDefault(manager: EntityManager, orgId: string): Promise<void> {
  await manager.query(
    'UPDATE orchestrator.destinations SET is_default = false, updated_at = now() WHERE org_id = $1 AND is_default',
    [orgId],
  );
}

/** The spec of a stored destination (only its kind's fields; the table's CHECK guarantees they are set). */
export function toResolvedDestination(row: DestinationEntity): ResolvedDestination {
  if (row.kind === 'sip') return { id: row.id, kind: 'sip', uri: row.uri ?? '' };
  return {
    id: row.id,
    kind: 'phone',
    number: row.number ?? '',
    ...(row.sendDigits ? { sendDigits: row.sendDigits } : {}),
  };
}

export function toDestinationDto(row: DestinationEntity): DestinationDto {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    number: row.number,
    sendDigits: row.sendDigits,
    uri: row.uri,
    isDefault: row.isDefault,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
