import type { CallStatus, TelephonyProvider } from '@callfleet/contracts';
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
         from_number, to_number, status, record, stream, dial_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10, $11, $12)
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
      `UPDATE orchestrator.calls SET provider_call_id = $2, updated_at = now() WHERE id = $1 AND provider_call_id IS NULL`,
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
  async applyEvent(manager: EntityManager, id: string, event: CallEventStamp): Promise<CallEntity | null> {
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
      status,
      providerSequence: event.sequence ?? call.providerSequence,
      providerEventAt: event.occurredAt,
    });
  }
}
