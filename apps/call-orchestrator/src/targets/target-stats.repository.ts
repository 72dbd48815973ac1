import type { HuntStatus } from '@callfleet/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HuntOutcome } from './target-stats';

/**
 * One row per hunt of a target in a period: its status, start, and when a person was first on one of
 * its legs (a leg's `human_at`, else the hunt's win, which implies one). Read through
 * `hunts_org_target_idx` (org, target, created_at); legs by `legs_hunt_idx`.
 */
const HUNT_OUTCOMES = `
  SELECT h.status, h.created_at, COALESCE(MIN(l.human_at), h.won_at) AS human_at
  FROM orchestrator.hunts h
  LEFT JOIN orchestrator.legs l ON l.hunt_id = h.id AND l.org_id = h.org_id AND l.human_at IS NOT NULL
  WHERE h.org_id = $1 AND h.target_id = $2 AND h.created_at >= $3 AND h.created_at < $4
  GROUP BY h.id
  ORDER BY h.created_at`;

@Injectable()
export class TargetStatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async huntOutcomes(orgId: string, targetId: string, from: Date, to: Date): Promise<HuntOutcome[]> {
    const rows: { status: HuntStatus; created_at: Date; human_at: Date | null }[] = await this.dataSource.query(
      HUNT_OUTCOMES,
      [orgId, targetId, from, to],
    );
    return rows.map((row) => ({ status: row.status, createdAt: row.created_at, humanAt: row.human_at }));
  }
}
