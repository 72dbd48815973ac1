import type { LineDto, LineListDto, LineSyncResultDto, ListLinesDto, UpdateLineDto } from '@callfleet/contracts';
import { toPage } from '@callfleet/persistence';
import { MANAGER_ROLES, MetricsService, NatsRpcClient, type OrgCaller, requireRole } from '@callfleet/platform';
import { allProviderLines, ProviderAccess, type ProviderLine } from '@callfleet/telephony';
import { Injectable, Logger } from '@nestjs/common';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import { type LineRow, LinesRepository } from './lines.repository';

const DEFAULT_PAGE = 100;
/** Per provider request of a sync (a page of numbers answers fast; the policy retries within its budget). */
const LINE_LIST_TIMEOUT_MS = 10_000;

export function toLineDto(row: LineRow): LineDto {
  return {
    id: row.id,
    providerAccountId: row.providerAccountId,
    provider: row.provider,
    number: row.number,
    label: row.label,
    enabled: row.enabled,
    pools: row.pools,
    inUse:
      row.leasedHuntId || row.leasedCallId
        ? { huntId: row.leasedHuntId, legId: row.leasedLegId, callId: row.leasedCallId }
        : null,
  };
}

/**
 * The org's lines: synced from a provider account (every page of its numbers / extensions), listed,
 * and enabled or pooled by its managers. Every role reads.
 */
@Injectable()
export class LinesService {
  private readonly logger = new Logger('Lines');
  private readonly access: ProviderAccess;

  constructor(
    private readonly lines: LinesRepository,
    rpc: NatsRpcClient,
    metrics: MetricsService,
    config: CallOrchestratorConfig,
  ) {
    this.access = new ProviderAccess(rpc, metrics, { timeoutMs: LINE_LIST_TIMEOUT_MS, nodeEnv: config.NODE_ENV });
  }

  /**
   * Reads the account's whole list first (outside any transaction: provider calls take time), then
   * applies it at once. A failing page fails the sync and changes nothing, so a partial list is never
   * taken for the whole.
   */
  async sync(caller: OrgCaller, providerAccountId: string): Promise<LineSyncResultDto> {
    requireRole(caller, MANAGER_ROLES);
    const opened = await this.access.account(caller.orgId, { id: providerAccountId });
    const adapter = this.access.adapter(opened.provider);
    const listed: ProviderLine[] = [];
    for await (const line of allProviderLines(adapter, opened.account)) listed.push(line);
    const counts = await this.lines.applySync(caller.orgId, { id: opened.id, provider: opened.provider }, listed);
    this.logger.log({ msg: 'lines synced', orgId: caller.orgId, providerAccountId, listed: listed.length, ...counts });
    return counts;
  }

  async list(orgId: string, dto: ListLinesDto): Promise<LineListDto> {
    const limit = dto.limit ?? DEFAULT_PAGE;
    const rows = await this.lines.page(
      orgId,
      { pool: dto.pool, enabled: dto.enabled, available: dto.available, providerAccountId: dto.providerAccountId },
      limit,
      dto.cursor,
    );
    return toPage(rows, limit, toLineDto);
  }

  async update(caller: OrgCaller, dto: UpdateLineDto): Promise<LineDto> {
    requireRole(caller, MANAGER_ROLES);
    const pools = dto.pools ? [...new Set(dto.pools)] : undefined;
    return toLineDto(await this.lines.update(caller.orgId, dto.id, { enabled: dto.enabled, pools }));
  }
}
