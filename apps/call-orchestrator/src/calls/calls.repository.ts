import type { CallStatus, TelephonyProvider } from '@callfleet/contracts';
import { changedRows, decodePageCursor } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CallEntity } from './call.entity';
import { type CallEventStamp, callEventApplies } from './call-event-order';

export interface NewCall {
  id: string;
  orgId: string;
  huntId: string | null;
  legId: string | null;
  provider: TelephonyProvider;
  providerAccountId: string;
  accountKey: string;
  fromNumber: string;
  toNumber: string;
  dialKey: string;
  lineId?: string | null;
  record?: boolean;
  stream?: { bidirectional: boolean } | null;
}

/** The calls' SQL: written before the dial leaves, found by our id or the provider's, moved only forward. */
@Injectable()
export class CallsRepository {
  /** Writes the call row (status `queued`); false when a call with this dial key exists already. */
  async insert(manager: EntityManager, call: NewCall): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO orchestrator.calls (id, org_id, hunt_id, leg_id, provider, provider_account_id, account_key,
         from_number, to_number, status, record, stream, dial_key, line_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10, $11, $12, $13)
       ON CONFLICT (dial_key) DO NOTHING RETURNING id`,
      [
        call.id,
        call.orgId,
        call.huntId,
        call.legId,
        call.provider,
        call.providerAccountId,
        call.accountKey,
        call.fromNumber,
        call.toNumber,
        call.record ?? false,
        call.stream ? JSON.stringify(call.stream) : null,
        call.dialKey,
        call.lineId ?? null,
      ],
    );
    return rows.length > 0;
  }

  byDialKey(manager: EntityManager, dialKey: string): Promise<CallEntity | null> {
    return manager.findOneBy(CallEntity, { dialKey });
  }

  byId(manager: EntityManager, id: string): Promise<CallEntity | null> {
    return manager.findOneBy(CallEntity, { id });
  }

  /** The org's call (another org's is not found). */
  get(manager: EntityManager, orgId: string, id: string): Promise<CallEntity | null> {
    return manager.findOneBy(CallEntity, { id, orgId });
  }

  /**
   * Takes a single call's dial request (one conditional update, before the request leaves): false
   * when it was taken before (an earlier attempt may have sent it) or the call is no longer queued.
   */
  async takeDial(manager: EntityManager, id: string): Promise<boolean> {
    const rows: unknown[] = await changedRows(
      manager,
      `UPDATE orchestrator.calls SET dial_sent_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'queued' AND dial_sent_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  /** Ends a call whose dial was never taken (hung up before it left); false when the dial was taken already. */
  async cancelUndialed(manager: EntityManager, orgId: string, id: string, reason: string): Promise<boolean> {
    const rows: unknown[] = await changedRows(
      manager,
      `UPDATE orchestrator.calls SET status = 'canceled', end_reason = $3, ended_at = now(), updated_at = now()
        WHERE id = $1 AND org_id = $2 AND status = 'queued' AND dial_sent_at IS NULL RETURNING id`,
      [id, orgId, reason],
    );
    return rows.length > 0;
  }

  /** Notes why a call is being ended (a hang-up asked for), unless it is over or says so already. */
  async noteEndReason(manager: EntityManager, id: string, reason: string): Promise<void> {
    await manager.query(
      `UPDATE orchestrator.calls SET end_reason = COALESCE(end_reason, $2), updated_at = now() WHERE id = $1 AND ended_at IS NULL`,
      [id, reason],
    );
  }

  /** A page of the org's calls, newest first, `limit + 1` rows (the extra one says there is more). */
  page(
    manager: EntityManager,
    orgId: string,
    filter: { status?: string; kind?: 'single' | 'hunt'; cursor?: string },
    limit: number,
  ): Promise<CallEntity[]> {
    const qb = manager
      .createQueryBuilder(CallEntity, 'c')
      .where('c.org_id = :orgId', { orgId })
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .take(limit + 1);
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter.kind === 'single') qb.andWhere('c.hunt_id IS NULL');
    if (filter.kind === 'hunt') qb.andWhere('c.hunt_id IS NOT NULL');
    if (filter.cursor) {
      const cursor = decodePageCursor(filter.cursor);
      qb.andWhere('(c.created_at, c.id) < (:at, :cid)', { at: cursor.createdAt, cid: cursor.id });
    }
    return qb.getMany();
  }

  byProviderCallId(
    manager: EntityManager,
    provider: TelephonyProvider,
    accountKey: string,
    providerCallId: string,
  ): Promise<CallEntity | null> {
    return manager.findOneBy(CallEntity, { provider, accountKey, providerCallId });
  }

  /** Records the provider's call id once it is known (from placeCall's reply or the first callback). */
  async setProviderCallId(manager: EntityManager, id: string, providerCallId: string): Promise<void> {
    await manager.query(
      `UPDATE orchestrator.calls SET provider_call_id = $2, started_at = COALESCE(started_at, now()), updated_at = now()
        WHERE id = $1 AND provider_call_id IS NULL`,
      [id, providerCallId],
    );
  }

  /** The call's dial failed before the provider took it. */
  async markDialFailed(manager: EntityManager, id: string, reason: string): Promise<void> {
    await manager.query(
      `UPDATE orchestrator.calls SET status = 'failed', end_reason = $2, ended_at = COALESCE(ended_at, now()), updated_at = now()
        WHERE id = $1 AND status = 'queued'`,
      [id, reason],
    );
  }

  /**
   * Applies a provider status event if it moves the call forward and is newer than the last one
   * applied (`callEventApplies`), under the row's lock. The call after it, or null when ignored.
   */
  async applyEvent(
    manager: EntityManager,
    id: string,
    event: CallEventStamp,
  ): Promise<(CallEntity & { previousStatus: string }) | null> {
    const call = await manager.findOne(CallEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!call) return null;
    const current = { status: call.status, sequence: call.providerSequence, eventAt: call.providerEventAt };
    if (!callEventApplies(current, event)) return null;
    const status: CallStatus = event.status;
    const ended = ['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(status);
    await manager.query(
      `UPDATE orchestrator.calls SET status = $2, provider_sequence = COALESCE($3, provider_sequence), provider_event_at = $4,
         answered_at = CASE WHEN $2 = 'answered' THEN COALESCE(answered_at, $4) ELSE answered_at END,
         ended_at = CASE WHEN $5 THEN COALESCE(ended_at, $4) ELSE ended_at END, updated_at = now()
       WHERE id = $1`,
      [id, status, event.sequence ?? null, event.occurredAt, ended],
    );
    return Object.assign(call, {
      previousStatus: current.status,
      answeredAt: status === 'answered' ? (call.answeredAt ?? event.occurredAt) : call.answeredAt,
      endedAt: ended ? (call.endedAt ?? event.occurredAt) : call.endedAt,
      status,
      providerSequence: event.sequence ?? call.providerSequence,
      providerEventAt: event.occurredAt,
    });
  }
}
