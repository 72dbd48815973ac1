import {
  ErrorCode,
  type HuntDto,
  type HuntListDto,
  type LegEventListDto,
  type LegEventsRequestDto,
  type ListHuntsDto,
} from '@callfleet/contracts';
import { toPage } from '@callfleet/persistence';
import { AppException, type OrgCaller, requireRole } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { LegsRepository } from '../legs/legs.repository';
import { HUNT_RUNNER_ROLES } from './hunt-creation.service';
import { HuntEnding } from './hunt-ending.service';
import { huntSummary, huntView } from './hunt-view';
import { HuntsRepository } from './hunts.repository';

const DEFAULT_PAGE = 50;
const DEFAULT_EVENTS_PAGE = 100;

/** Reading hunts (any role of the org) and cancelling them (those who run hunts). Another org's id: NOT_FOUND. */
@Injectable()
export class HuntsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hunts: HuntsRepository,
    private readonly legs: LegsRepository,
    private readonly ending: HuntEnding,
  ) {}

  async get(orgId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<HuntDto> {
    const hunt = await this.hunts.get(manager, orgId, id);
    if (!hunt) throw new AppException(ErrorCode.NOT_FOUND, 'Hunt not found');
    return huntView(hunt, await this.hunts.legRows(manager, orgId, id));
  }

  async list(orgId: string, query: ListHuntsDto): Promise<HuntListDto> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await this.hunts.page(this.dataSource.manager, orgId, query, limit);
    return toPage(rows, limit, huntSummary);
  }

  async legEvents(orgId: string, request: LegEventsRequestDto): Promise<LegEventListDto> {
    const manager = this.dataSource.manager;
    const leg = await this.legs.get(manager, orgId, request.legId);
    if (!leg || leg.huntId !== request.id) throw new AppException(ErrorCode.NOT_FOUND, 'Leg not found');
    const limit = request.limit ?? DEFAULT_EVENTS_PAGE;
    const rows = await this.hunts.legEvents(manager, orgId, leg.id, request.cursor, limit);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({
        id: r.id,
        at: new Date(r.at).toISOString(),
        source: r.source as LegEventListDto['items'][number]['source'],
        kind: r.kind,
        confidence: r.confidence,
        detail: r.detail,
      })),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  /** Cancels a running (or transferring) hunt; a hunt already over is answered as it is. */
  async cancel(caller: OrgCaller, id: string): Promise<HuntDto> {
    requireRole(caller, HUNT_RUNNER_ROLES);
    return this.dataSource.transaction(async (manager) => {
      const hunt = await this.hunts.get(manager, caller.orgId, id);
      if (!hunt) throw new AppException(ErrorCode.NOT_FOUND, 'Hunt not found');
      await this.ending.end(manager, caller.orgId, id, { status: 'cancelled', by: caller.userId ?? null });
      return this.get(caller.orgId, id, manager);
    });
  }
}
