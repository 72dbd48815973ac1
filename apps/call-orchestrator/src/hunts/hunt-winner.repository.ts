import { changedRows } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The hunt's one winner, as the conditional write gave it. */
export interface HuntWin {
  huntId: string;
  legId: string;
  fence: number;
  wonAt: Date;
}

/**
 * The one write that makes a winner: only a running hunt without one gets one. Concurrent claims all
 * run it; PostgreSQL lets the first through and re-checks the others against the committed row
 * (READ COMMITTED), where `winner_leg_id` is set and `status` is no longer `running`: they change
 * nothing. The fence comes from a sequence, so no two wins ever share one.
 */
@Injectable()
export class HuntWinnerRepository {
  async claim(manager: EntityManager, orgId: string, huntId: string, legId: string, at: Date): Promise<HuntWin | null> {
    const rows: { winner_fence: string; won_at: Date }[] = await changedRows(
      manager,
      `UPDATE orchestrator.hunts
          SET winner_leg_id = $3, winner_fence = nextval('orchestrator.hunt_winner_fence'), status = 'transferring',
              transfer_status = 'pending', won_at = $4, updated_at = $4
        WHERE id = $1 AND org_id = $2 AND status = 'running' AND winner_leg_id IS NULL
        RETURNING winner_fence, won_at`,
      [huntId, orgId, legId, at],
    );
    if (rows.length === 0) return null;
    return { huntId, legId, fence: Number(rows[0].winner_fence), wonAt: new Date(rows[0].won_at) };
  }
}
