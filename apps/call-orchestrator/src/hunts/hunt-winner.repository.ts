import type { HuntStatus, IvrStep, LegStatus } from '@callfleet/contracts';
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

/** What a signal is judged against: its leg, the leg's hunt and call, read together. */
export interface SignalTarget {
  legId: string;
  orgId: string;
  huntId: string;
  lineId: string;
  callId: string | null;
  legStatus: LegStatus;
  ivrStep: number;
  huntStatus: HuntStatus;
  winnerLegId: string | null;
  detection: { mode: 'auto' | 'confirm'; minConfidence: number };
  ivrScript: IvrStep[];
  /** Null without a call. */
  callStatus: string | null;
}

const TARGET_COLUMNS = `l.id AS "legId", l.org_id AS "orgId", l.hunt_id AS "huntId", l.line_id AS "lineId",
  l.call_id AS "callId", l.status AS "legStatus", l.ivr_step AS "ivrStep", h.status AS "huntStatus",
  h.winner_leg_id AS "winnerLegId", h.detection, h.ivr_script AS "ivrScript", c.status AS "callStatus"`;

/**
 * The one write that makes a winner: only a running hunt without one gets one. Concurrent claims all
 * run it; PostgreSQL lets the first through and re-checks the others against the committed row
 * (READ COMMITTED), where `winner_leg_id` is set and `status` is no longer `running`: they change
 * nothing. The fence comes from a sequence, so no two wins ever share one.
 */
@Injectable()
export class HuntWinnerRepository {
  /** The leg of `legId` (or of `callId`) in the org, with its hunt and call, in one indexed read; null for another org's. */
  async target(
    manager: EntityManager,
    orgId: string,
    of: { legId: string } | { callId: string },
  ): Promise<SignalTarget | null> {
    const byLeg = 'legId' in of;
    const rows: SignalTarget[] = await manager.query(
      `SELECT ${TARGET_COLUMNS}
         FROM orchestrator.legs l
         JOIN orchestrator.hunts h ON h.id = l.hunt_id AND h.org_id = l.org_id
         LEFT JOIN orchestrator.calls c ON c.id = l.call_id
        WHERE l.org_id = $1 AND ${byLeg ? 'l.id' : 'l.call_id'} = $2`,
      [orgId, byLeg ? of.legId : of.callId],
    );
    return rows[0] ?? null;
  }

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
