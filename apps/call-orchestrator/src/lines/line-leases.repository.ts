import { ErrorCode } from '@callfleet/contracts';
import { changedRows } from '@callfleet/persistence';
import { AppException } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LineEntity } from './line.entity';

/** Which lines a hunt asks for: a count (of a pool, of an account) or named lines. */
export interface LineSelection {
  count?: number;
  lineIds?: readonly string[];
  pool?: string;
  providerAccountId?: string;
}

const FREE = `enabled AND removed_at IS NULL AND leased_hunt_id IS NULL`;

/**
 * Line leases: a line is held by one hunt (its current leg named) until given back or until its lease
 * expires (a recurring job reclaims it). Every method is one conditional statement, so two hunts
 * racing for the same lines never share one: `FOR UPDATE SKIP LOCKED` passes over a line another
 * transaction is taking, and the lease is only written where it is still free.
 */
@Injectable()
export class LineLeases {
  /**
   * Leases the lines `selection` names for `huntId` in the caller's transaction, all or none:
   * CONFLICT when fewer are free than asked, NOT_FOUND for a named line that is not this org's.
   * The lines are all of one provider account (the named one, else the account with most free lines).
   */
  async leaseForHunt(
    manager: EntityManager,
    orgId: string,
    huntId: string,
    selection: LineSelection,
    expiresAt: Date,
  ): Promise<LineEntity[]> {
    if (selection.lineIds) return this.leaseNamed(manager, orgId, huntId, selection.lineIds, expiresAt);
    const count = selection.count ?? 1;
    const filters: string[] = [`org_id = $1`, FREE];
    const params: unknown[] = [orgId];
    if (selection.pool !== undefined) {
      params.push(selection.pool);
      filters.push(`$${params.length} = ANY(pools)`);
    }
    let accountId = selection.providerAccountId;
    if (accountId === undefined) {
      const best: { provider_account_id: string }[] = await manager.query(
        `SELECT provider_account_id FROM orchestrator.lines WHERE ${filters.join(' AND ')}
          GROUP BY provider_account_id ORDER BY count(*) DESC, provider_account_id LIMIT 1`,
        params,
      );
      if (best.length === 0) throw new AppException(ErrorCode.CONFLICT, 'No free line for this hunt');
      accountId = best[0].provider_account_id;
    }
    params.push(accountId);
    filters.push(`provider_account_id = $${params.length}`);
    params.push(count, huntId, expiresAt);
    const n = params.length;
    const leased = await this.lease(
      manager,
      `SELECT id FROM orchestrator.lines WHERE ${filters.join(' AND ')}
        ORDER BY created_at, id LIMIT $${n - 2} FOR UPDATE SKIP LOCKED`,
      params,
      `$${n - 1}`,
      `$${n}`,
    );
    if (leased.length < count) {
      throw new AppException(ErrorCode.CONFLICT, `Only ${leased.length} of the ${count} lines asked for are free`, {
        free: leased.length,
        asked: count,
      });
    }
    return leased;
  }

  private async leaseNamed(
    manager: EntityManager,
    orgId: string,
    huntId: string,
    lineIds: readonly string[],
    expiresAt: Date,
  ): Promise<LineEntity[]> {
    const known: { id: string; provider_account_id: string }[] = await manager.query(
      `SELECT id, provider_account_id FROM orchestrator.lines WHERE org_id = $1 AND id = ANY($2::uuid[]) AND removed_at IS NULL`,
      [orgId, lineIds],
    );
    if (known.length < lineIds.length) throw new AppException(ErrorCode.NOT_FOUND, 'Line not found');
    if (new Set(known.map((l) => l.provider_account_id)).size > 1) {
      throw new AppException(ErrorCode.VALIDATION_ERROR, 'The lines of one hunt must be of one provider account');
    }
    const leased = await this.lease(
      manager,
      `SELECT id FROM orchestrator.lines WHERE org_id = $1 AND id = ANY($2::uuid[]) AND ${FREE} FOR UPDATE SKIP LOCKED`,
      [orgId, lineIds, huntId, expiresAt],
      '$3',
      '$4',
    );
    if (leased.length < lineIds.length) {
      throw new AppException(ErrorCode.CONFLICT, 'A line asked for is disabled or in use', {
        busy: lineIds.filter((id) => !leased.some((l) => l.id === id)),
      });
    }
    return leased;
  }

  /**
   * Leases the rows `candidates` picks (a SELECT … FOR UPDATE SKIP LOCKED). The pick is a CTE, run
   * once: as `WHERE id IN (subquery with LIMIT)` PostgreSQL may run it again per row and take more.
   */
  private async lease(
    manager: EntityManager,
    candidates: string,
    params: unknown[],
    hunt: string,
    expires: string,
  ): Promise<LineEntity[]> {
    const rows: { id: string }[] = await manager.query(
      `WITH picked AS (${candidates}),
            changed AS (
              UPDATE orchestrator.lines l
                 SET leased_hunt_id = ${hunt}, leased_leg_id = NULL, lease_expires_at = ${expires}, updated_at = now()
                FROM picked WHERE l.id = picked.id AND l.leased_hunt_id IS NULL
              RETURNING l.id)
       SELECT id FROM changed`,
      params,
    );
    if (rows.length === 0) return [];
    return manager.find(LineEntity, { where: rows.map((r) => ({ id: r.id })), order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Names the leg now on the line; false when the hunt no longer holds it. */
  async assignLeg(
    manager: EntityManager,
    orgId: string,
    lineId: string,
    huntId: string,
    legId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await changedRows(
      manager,
      `UPDATE orchestrator.lines SET leased_leg_id = $4, updated_at = now()
        WHERE id = $1 AND org_id = $2 AND leased_hunt_id = $3 RETURNING id`,
      [lineId, orgId, huntId, legId],
    );
    return rows.length > 0;
  }

  /** Gives one line back (only if this hunt holds it). */
  async release(manager: EntityManager, orgId: string, lineId: string, huntId: string): Promise<boolean> {
    const rows: unknown[] = await changedRows(
      manager,
      `UPDATE orchestrator.lines SET leased_hunt_id = NULL, leased_leg_id = NULL, lease_expires_at = NULL, updated_at = now()
        WHERE id = $1 AND org_id = $2 AND leased_hunt_id = $3 RETURNING id`,
      [lineId, orgId, huntId],
    );
    return rows.length > 0;
  }

  /**
   * Gives back every line the hunt holds, but `keepLineId` (a winner's line stays leased until its
   * hand-off ends); the number released.
   */
  async releaseHunt(manager: EntityManager, orgId: string, huntId: string, keepLineId?: string): Promise<number> {
    const rows: unknown[] = await changedRows(
      manager,
      `UPDATE orchestrator.lines SET leased_hunt_id = NULL, leased_leg_id = NULL, lease_expires_at = NULL, updated_at = now()
        WHERE org_id = $1 AND leased_hunt_id = $2 AND id IS DISTINCT FROM $3::uuid RETURNING id`,
      [orgId, huntId, keepLineId ?? null],
    );
    return rows.length;
  }

  /** Moves the expiry of every lease of the hunt (a hunt that runs on keeps its lines). */
  async extendHunt(manager: EntityManager, orgId: string, huntId: string, expiresAt: Date): Promise<void> {
    await manager.query(
      `UPDATE orchestrator.lines SET lease_expires_at = $3 WHERE org_id = $1 AND leased_hunt_id = $2`,
      [orgId, huntId, expiresAt],
    );
  }

  /** Releases every lease expired before `now` (any org): the reclaim timer's work. The number reclaimed. */
  async reclaimExpired(manager: EntityManager, now: Date): Promise<number> {
    const rows: unknown[] = await changedRows(
      manager,
      `UPDATE orchestrator.lines SET leased_hunt_id = NULL, leased_leg_id = NULL, lease_expires_at = NULL, updated_at = now()
        WHERE leased_hunt_id IS NOT NULL AND lease_expires_at < $1 RETURNING id`,
      [now],
    );
    return rows.length;
  }
}
