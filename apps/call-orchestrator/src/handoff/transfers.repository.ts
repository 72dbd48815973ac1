import { changedRows } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HuntEntity } from '../hunts/hunt.entity';

/** A hunt's hand-off as its conditional updates see it: the hunt, its winner and the winner's fence. */
export interface HandoffKey {
  orgId: string;
  huntId: string;
  legId: string;
  fence: number;
}

/** The hunt is handing off this winner with this fence (every update's guard). */
const FENCED = `id = $1 AND org_id = $2 AND winner_leg_id = $3 AND winner_fence = $4 AND status = 'transferring'`;

/**
 * The hand-off's SQL on `orchestrator.hunts`. `transfer_status`: `pending` (won, the transfer job
 * not yet run) → `sending` (the job took it, its call update may be out) → `dialing` (the call runs the
 * hand-off's TwiML: the provider asked our flow for it) → `connected` | `failed`. Every step is one
 * conditional UPDATE keyed on the fence (and the dial's attempt), so a repeated job or callback
 * finds it taken and changes nothing.
 */
@Injectable()
export class TransfersRepository {
  /** The transfer job takes the hand-off: `pending → sending`, attempt 1. */
  claim(manager: EntityManager, key: HandoffKey): Promise<HuntEntity | null> {
    return this.update(
      manager,
      key,
      `transfer_status = 'sending', transfer_attempts = 1`,
      `transfer_status = 'pending'`,
    );
  }

  /** The hand-off a retried transfer job took before and whose call update may never have arrived. */
  stillSending(manager: EntityManager, key: HandoffKey): Promise<HuntEntity | null> {
    return manager
      .createQueryBuilder(HuntEntity, 'h')
      .where('h.id = :huntId AND h.org_id = :orgId AND h.winner_leg_id = :legId AND h.winner_fence = :fence', key)
      .andWhere(`h.status = 'transferring' AND h.transfer_status = 'sending'`)
      .getOne();
  }

  /** The provider asked our flow for the hand-off's TwiML: the call update arrived (`sending → dialing`). */
  async dialing(manager: EntityManager, key: HandoffKey): Promise<boolean> {
    return (await this.update(manager, key, `transfer_status = 'dialing'`, `transfer_status = 'sending'`)) !== null;
  }

  /** Dial `attempt + 1` follows dial `attempt` (only once, however often its outcome is reported). */
  async nextAttempt(manager: EntityManager, key: HandoffKey, attempt: number): Promise<boolean> {
    const moved = await this.update(
      manager,
      key,
      `transfer_status = 'dialing', transfer_attempts = transfer_attempts + 1`,
      `transfer_attempts = $5`,
      [attempt],
    );
    return moved !== null;
  }

  /**
   * The hand-off is over: the hunt `connected` (connected_at set) or `failed` with `reason`. `attempt`
   * (the dial that decided it) must still be the current one; null when it was over already.
   */
  finish(
    manager: EntityManager,
    key: HandoffKey,
    how: { status: 'connected' } | { status: 'failed'; reason: string },
    attempt?: number,
  ): Promise<HuntEntity | null> {
    const set =
      how.status === 'connected'
        ? `status = 'connected', transfer_status = 'connected', connected_at = now(), ended_at = now()`
        : `status = 'failed', transfer_status = 'failed', end_reason = $${attempt === undefined ? 5 : 6}, ended_at = now()`;
    const params: unknown[] = attempt === undefined ? [] : [attempt];
    if (how.status === 'failed') params.push(how.reason);
    return this.update(manager, key, set, attempt === undefined ? 'true' : `transfer_attempts = $5`, params);
  }

  private async update(
    manager: EntityManager,
    key: HandoffKey,
    set: string,
    guard: string,
    params: unknown[] = [],
  ): Promise<HuntEntity | null> {
    const rows: { id: string }[] = await changedRows(
      manager,
      `UPDATE orchestrator.hunts SET ${set}, updated_at = now() WHERE ${FENCED} AND ${guard} RETURNING id`,
      [key.huntId, key.orgId, key.legId, key.fence, ...params],
    );
    return rows.length > 0 ? manager.findOneBy(HuntEntity, { id: key.huntId, orgId: key.orgId }) : null;
  }
}
