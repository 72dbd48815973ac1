import type { HuntStatus, ListHuntsDto } from '@callfleet/contracts';
import { changedRows, decodePageCursor } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HuntEntity } from './hunt.entity';

/** A leg as the API shows it: with its call's provider id. */
export interface LegRow {
  id: string;
  line_id: string;
  attempt: number;
  status: string;
  provider_call_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
  detection: Record<string, unknown> | null;
}

/** The hunts' SQL, org-scoped: another org's hunt is simply not found. */
@Injectable()
export class HuntsRepository {
  async insert(manager: EntityManager, hunt: Omit<HuntEntity, 'updatedAt'>): Promise<void> {
    await manager.insert(HuntEntity, { ...hunt, updatedAt: hunt.createdAt });
  }

  get(manager: EntityManager, orgId: string, id: string): Promise<HuntEntity | null> {
    return manager.findOneBy(HuntEntity, { id, orgId });
  }

  /**
   * Ends the hunt with `status` if it is in one of `from` (one conditional UPDATE: a cancel racing the
   * deadline, or two replicas, end it once). The hunt after it, or null when it was not in `from`.
   */
  async end(
    manager: EntityManager,
    orgId: string,
    id: string,
    status: HuntStatus,
    reason: string,
    from: readonly HuntStatus[],
    at: Date,
  ): Promise<HuntEntity | null> {
    const rows: { id: string }[] = await changedRows(
      manager,
      `UPDATE orchestrator.hunts SET status = $3, end_reason = $4, ended_at = $5, updated_at = $5
        WHERE id = $1 AND org_id = $2 AND status = ANY($6::text[]) RETURNING id`,
      [id, orgId, status, reason, at, from],
    );
    return rows.length > 0 ? this.get(manager, orgId, id) : null;
  }

  /** The hunt's legs with their calls' provider ids, oldest first. */
  legRows(manager: EntityManager, orgId: string, huntId: string): Promise<LegRow[]> {
    return manager.query(
      `SELECT l.id, l.line_id, l.attempt, l.status, c.provider_call_id, l.started_at, l.ended_at, l.end_reason, l.detection
         FROM orchestrator.legs l LEFT JOIN orchestrator.calls c ON c.id = l.call_id
        WHERE l.org_id = $1 AND l.hunt_id = $2
        ORDER BY l.started_at, l.attempt, l.id`,
      [orgId, huntId],
    );
  }

  /** A page of the org's hunts, newest first, `limit + 1` rows (the extra one says there is more). */
  page(manager: EntityManager, orgId: string, query: ListHuntsDto, limit: number): Promise<HuntEntity[]> {
    const qb = manager
      .createQueryBuilder(HuntEntity, 'h')
      .where('h.org_id = :orgId', { orgId })
      .orderBy('h.created_at', 'DESC')
      .addOrderBy('h.id', 'DESC')
      .take(limit + 1);
    if (query.status) qb.andWhere('h.status = :status', { status: query.status });
    if (query.targetId) qb.andWhere('h.target_id = :targetId', { targetId: query.targetId });
    if (query.cursor) {
      const cursor = decodePageCursor(query.cursor);
      qb.andWhere('(h.created_at, h.id) < (:at, :cid)', { at: cursor.createdAt, cid: cursor.id });
    }
    return qb.getMany();
  }

  /** A page of a leg's history, oldest first, after the event id `after`. */
  legEvents(
    manager: EntityManager,
    orgId: string,
    legId: string,
    after: string | undefined,
    limit: number,
  ): Promise<
    { id: string; at: Date; source: string; kind: string; confidence: number | null; detail: Record<string, unknown> }[]
  > {
    return manager.query(
      `SELECT id::text AS id, at, source, kind, confidence, detail FROM orchestrator.leg_events
        WHERE org_id = $1 AND leg_id = $2 AND id > $3 ORDER BY id LIMIT $4`,
      [orgId, legId, after ?? '0', limit + 1],
    );
  }
}
