import { randomUUID } from 'node:crypto';
import { ErrorCode, type TelephonyProvider } from '@callfleet/contracts';
import { decodePageCursor } from '@callfleet/persistence';
import { AppException } from '@callfleet/platform';
import type { ProviderLine } from '@callfleet/telephony';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type KnownLine, type LineSyncPlan, planLineSync } from './line-sync-plan';

/** A stored line as the API shows it (removed lines are never listed). */
export interface LineRow {
  id: string;
  providerAccountId: string;
  provider: TelephonyProvider;
  number: string;
  label: string;
  enabled: boolean;
  pools: string[];
  leasedHuntId: string | null;
  leasedLegId: string | null;
  leasedCallId: string | null;
  createdAt: Date;
}

export interface LineFilter {
  pool?: string;
  enabled?: boolean;
  /** true: enabled and not leased (a hunt or a call could take it now); false: the others. */
  available?: boolean;
  providerAccountId?: string;
}

export interface LineSyncCounts {
  added: number;
  updated: number;
  removed: number;
}

const COLUMNS = `id, provider_account_id AS "providerAccountId", provider, number, label, enabled, pools,
  leased_hunt_id AS "leasedHuntId", leased_leg_id AS "leasedLegId",
  leased_call_id AS "leasedCallId", created_at AS "createdAt"`;

/**
 * All of the lines' SQL but the leases (line-leases.repository.ts): listing, changing and syncing,
 * every statement scoped to the org. A removed line is invisible here and never leasable, but kept:
 * old legs still name it, and a hunt holding it gives it back as usual.
 */
@Injectable()
export class LinesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Oldest first, keyset-paged on (created_at, id) (created_at is kept to the millisecond, as the
   * cursor carries it); reads `limit + 1` rows so the caller knows if more follow.
   */
  async page(orgId: string, filter: LineFilter, limit: number, cursor?: string): Promise<LineRow[]> {
    const where = ['org_id = $1', 'removed_at IS NULL'];
    const params: unknown[] = [orgId];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.pool !== undefined) where.push(`${param(filter.pool)} = ANY (pools)`);
    if (filter.enabled !== undefined) where.push(`enabled = ${param(filter.enabled)}`);
    const free = 'enabled AND leased_hunt_id IS NULL AND leased_call_id IS NULL';
    if (filter.available === true) where.push(free);
    if (filter.available === false) where.push(`NOT (${free})`);
    if (filter.providerAccountId !== undefined) where.push(`provider_account_id = ${param(filter.providerAccountId)}`);
    if (cursor !== undefined) {
      const after = decodePageCursor(cursor);
      where.push(`(created_at, id) > (${param(after.createdAt)}, ${param(after.id)})`);
    }
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM orchestrator.lines WHERE ${where.join(' AND ')}
       ORDER BY created_at, id LIMIT ${param(limit + 1)}`,
      params,
    );
  }

  /** Changes what a manager may change; NOT_FOUND for another org's line or a removed one. */
  async update(orgId: string, id: string, changes: { enabled?: boolean; pools?: string[] }): Promise<LineRow> {
    const rows: LineRow[] = await this.dataSource.query(
      `UPDATE orchestrator.lines
          SET enabled = COALESCE($3, enabled), pools = COALESCE($4::text[], pools), updated_at = now()
        WHERE org_id = $1 AND id = $2 AND removed_at IS NULL
        RETURNING ${COLUMNS}`,
      [orgId, id, changes.enabled ?? null, changes.pools ?? null],
    );
    // TypeORM answers an UPDATE … RETURNING as [rows, count].
    const [row] = (Array.isArray(rows[0]) ? rows[0] : rows) as LineRow[];
    if (!row) throw new AppException(ErrorCode.NOT_FOUND, 'Line not found');
    return row;
  }

  /**
   * Brings the account's stored lines in step with the provider's whole list, in one transaction that
   * holds the account's advisory lock, so two syncs of one account run one after the other and count
   * each change once.
   */
  async applySync(
    orgId: string,
    account: { id: string; provider: TelephonyProvider },
    listed: readonly ProviderLine[],
  ): Promise<LineSyncCounts> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `lines-sync:${orgId}:${account.id}`,
      ]);
      const known: KnownLine[] = await manager.query(
        `SELECT id, provider_line_id AS "providerLineId", number, label, removed_at IS NOT NULL AS removed
           FROM orchestrator.lines WHERE org_id = $1 AND provider_account_id = $2`,
        [orgId, account.id],
      );
      const plan = planLineSync(known, listed);
      await this.insert(manager, orgId, account, plan.add);
      await this.refresh(manager, orgId, plan.update);
      await this.markRemoved(manager, orgId, plan.remove);
      return { added: plan.add.length, updated: plan.update.length, removed: plan.remove.length };
    });
  }

  private async insert(
    manager: EntityManager,
    orgId: string,
    account: { id: string; provider: TelephonyProvider },
    lines: LineSyncPlan['add'],
  ): Promise<void> {
    if (lines.length === 0) return;
    await manager.query(
      `INSERT INTO orchestrator.lines (id, org_id, provider_account_id, provider, provider_line_id, number, label)
       SELECT id, $1, $2, $3, provider_line_id, number, label
         FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[]) AS l(id, provider_line_id, number, label)`,
      [
        orgId,
        account.id,
        account.provider,
        lines.map(() => randomUUID()),
        lines.map((l) => l.providerLineId),
        lines.map((l) => l.number),
        lines.map((l) => l.label),
      ],
    );
  }

  /** New number / label from the provider; a line listed again is no longer removed. Enabled and pools stay the user's. */
  private async refresh(manager: EntityManager, orgId: string, lines: LineSyncPlan['update']): Promise<void> {
    if (lines.length === 0) return;
    await manager.query(
      `UPDATE orchestrator.lines AS line
          SET number = l.number, label = l.label, removed_at = NULL, updated_at = now()
         FROM unnest($2::uuid[], $3::text[], $4::text[]) AS l(id, number, label)
        WHERE line.org_id = $1 AND line.id = l.id`,
      [orgId, lines.map((l) => l.id), lines.map((l) => l.number), lines.map((l) => l.label)],
    );
  }

  /** Kept, not deleted (legs name them, a hunt may hold one and will give it back); no longer listed nor leasable. */
  private async markRemoved(manager: EntityManager, orgId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE orchestrator.lines SET removed_at = now(), updated_at = now()
        WHERE org_id = $1 AND id = ANY ($2::uuid[]) AND removed_at IS NULL`,
      [orgId, ids],
    );
  }
}
