import { FINAL_LEG_STATUSES, type LegEndReason, type LegEventSource, type LegStatus } from '@callfleet/contracts';
import { changedRows } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type LegDetection, LegEntity } from './leg.entity';
import { legStatusesBefore } from './leg-state';

/** A leg after a move, with the state it left. */
export type MovedLeg = LegEntity & { from: LegStatus };

export interface LegTransitionOptions {
  /** Why it ended or failed (kept on final states only). */
  reason?: LegEndReason;
  /** Move only from these states (intersected with what the state machine allows). */
  expectFrom?: readonly LegStatus[];
}

export interface LegEventRecord {
  orgId: string;
  huntId: string | null;
  legId: string | null;
  callId: string | null;
  source: LegEventSource;
  kind: string;
  confidence?: number | null;
  detail: Record<string, unknown>;
  /** When it happened (the provider's time); default now. */
  at?: Date;
  /** A detection signal's key: a second record with the same key (a redelivery) is not written. */
  signalKey?: string | null;
}

/** A leg's columns as LegEntity's fields (a move returns the leg it made, without a second read). */
const LEG_FIELDS = `l.id, l.org_id AS "orgId", l.hunt_id AS "huntId", l.line_id AS "lineId", l.call_id AS "callId",
  l.attempt, l.status, l.end_reason AS "endReason", l.ivr_step AS "ivrStep", l.detection, l.started_at AS "startedAt",
  l.answered_at AS "answeredAt", l.human_at AS "humanAt", l.ended_at AS "endedAt", l.updated_at AS "updatedAt"`;

type LegRowWithPrevious = LegEntity & { previous: LegStatus };

function movedLeg({ previous, ...leg }: LegRowWithPrevious): MovedLeg {
  return Object.assign(new LegEntity(), leg, { from: previous });
}

/**
 * The legs' SQL. A move is one conditional UPDATE guarded by the state machine (`canMoveLeg`): two
 * writers racing for the same leg (a callback and a cancel, two replicas) cannot both move it, and a
 * late or repeated event finds the guard closed and changes nothing.
 */
@Injectable()
export class LegsRepository {
  /** Moves the leg to `to` if the state machine allows it from its current state; null when refused (or not this org's). */
  async transition(
    manager: EntityManager,
    orgId: string,
    legId: string,
    to: LegStatus,
    options: LegTransitionOptions = {},
  ): Promise<MovedLeg | null> {
    const allowed = legStatusesBefore(to).filter((s) => !options.expectFrom || options.expectFrom.includes(s));
    if (allowed.length === 0) return null;
    const final = FINAL_LEG_STATUSES.has(to);
    const rows: LegRowWithPrevious[] = await changedRows(
      manager,
      `UPDATE orchestrator.legs l
          SET status = $3,
              end_reason = CASE WHEN $4 THEN COALESCE($5, l.end_reason) ELSE l.end_reason END,
              ended_at = CASE WHEN $4 THEN COALESCE(l.ended_at, now()) ELSE l.ended_at END,
              answered_at = CASE WHEN $3 IN ('ivr', 'holding', 'human') THEN COALESCE(l.answered_at, now()) ELSE l.answered_at END,
              human_at = CASE WHEN $3 = 'human' THEN COALESCE(l.human_at, now()) ELSE l.human_at END,
              updated_at = now()
         FROM (SELECT id, status FROM orchestrator.legs WHERE id = $1 AND org_id = $2 FOR UPDATE) p
        WHERE l.id = p.id AND p.status = ANY($6::text[])
        RETURNING ${LEG_FIELDS}, p.status AS previous`,
      [legId, orgId, to, final, options.reason ?? null, allowed],
    );
    return rows.length > 0 ? movedLeg(rows[0]) : null;
  }

  /**
   * Ends every live leg of the hunt (but `exceptLegId`) with `reason`, in one guarded UPDATE: each
   * live state may end, so this is the state machine's move for all of them at once. The legs ended.
   */
  async endAllLive(
    manager: EntityManager,
    orgId: string,
    huntId: string,
    reason: LegEndReason,
    exceptLegId?: string,
  ): Promise<MovedLeg[]> {
    const live = legStatusesBefore('ended');
    const rows: LegRowWithPrevious[] = await changedRows(
      manager,
      `UPDATE orchestrator.legs l
          SET status = 'ended', end_reason = $3, ended_at = COALESCE(l.ended_at, now()), updated_at = now()
         FROM (SELECT id, status FROM orchestrator.legs
                WHERE org_id = $1 AND hunt_id = $2 AND id IS DISTINCT FROM $4::uuid AND status = ANY($5::text[])
                ORDER BY id FOR UPDATE) p
        WHERE l.id = p.id AND p.status = ANY($5::text[])
        RETURNING ${LEG_FIELDS}, p.status AS previous`,
      [orgId, huntId, reason, exceptLegId ?? null, live],
    );
    return rows.map(movedLeg);
  }

  /** Many lines of history at once (one statement), in the order given. */
  async recordEvents(manager: EntityManager, events: readonly LegEventRecord[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO orchestrator.leg_events (org_id, hunt_id, leg_id, call_id, at, source, kind, confidence, detail, signal_key)
       SELECT e.org_id, e.hunt_id, e.leg_id, e.call_id, COALESCE(e.at, now()), e.source, e.kind, e.confidence, e.detail, e.signal_key
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::text[], $7::text[],
                     $8::double precision[], $9::jsonb[], $10::text[]) WITH ORDINALITY
           AS e(org_id, hunt_id, leg_id, call_id, at, source, kind, confidence, detail, signal_key, n)
        ORDER BY e.n
       ON CONFLICT (org_id, signal_key) WHERE signal_key IS NOT NULL DO NOTHING`,
      [
        events.map((e) => e.orgId),
        events.map((e) => e.huntId),
        events.map((e) => e.legId),
        events.map((e) => e.callId),
        events.map((e) => e.at ?? null),
        events.map((e) => e.source),
        events.map((e) => e.kind),
        events.map((e) => e.confidence ?? null),
        events.map((e) => JSON.stringify(e.detail)),
        events.map((e) => e.signalKey ?? null),
      ],
    );
  }

  /** A new leg (status `dialing`); the line is the hunt's already. */
  async insert(
    manager: EntityManager,
    leg: { id: string; orgId: string; huntId: string; lineId: string; attempt: number; startedAt: Date },
  ): Promise<LegEntity> {
    await manager.query(
      `INSERT INTO orchestrator.legs (id, org_id, hunt_id, line_id, attempt, status, started_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'dialing', $6, $6)`,
      [leg.id, leg.orgId, leg.huntId, leg.lineId, leg.attempt, leg.startedAt],
    );
    return manager.findOneByOrFail(LegEntity, { id: leg.id });
  }

  /** The legs of the hunt still on a call or about to be (not ended, failed nor connected). */
  live(manager: EntityManager, orgId: string, huntId: string): Promise<LegEntity[]> {
    return manager
      .createQueryBuilder(LegEntity, 'l')
      .where('l.org_id = :orgId AND l.hunt_id = :huntId', { orgId, huntId })
      .andWhere(`l.status NOT IN ('ended', 'failed', 'connected')`)
      .getMany();
  }

  /** The leg whose call this is. */
  ofCall(manager: EntityManager, callId: string): Promise<LegEntity | null> {
    return manager.findOneBy(LegEntity, { callId });
  }

  /** One line of the leg's (or call's) history; false when its `signalKey` was recorded already. */
  async recordEvent(manager: EntityManager, event: LegEventRecord): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO orchestrator.leg_events (org_id, hunt_id, leg_id, call_id, at, source, kind, confidence, detail, signal_key)
       VALUES ($1, $2, $3, $4, COALESCE($5, now()), $6, $7, $8, $9, $10)
       ON CONFLICT (org_id, signal_key) WHERE signal_key IS NOT NULL DO NOTHING RETURNING id`,
      [
        event.orgId,
        event.huntId,
        event.legId,
        event.callId,
        event.at ?? null,
        event.source,
        event.kind,
        event.confidence ?? null,
        JSON.stringify(event.detail),
        event.signalKey ?? null,
      ],
    );
    return rows.length > 0;
  }

  /** Notes what judged the leg live, once (the first detection stays). False when it had one already. */
  async setDetection(manager: EntityManager, orgId: string, legId: string, detection: LegDetection): Promise<boolean> {
    const rows: unknown[] = await changedRows(
      manager,
      `UPDATE orchestrator.legs SET detection = $3, updated_at = now()
        WHERE id = $1 AND org_id = $2 AND detection IS NULL RETURNING id`,
      [legId, orgId, JSON.stringify(detection)],
    );
    return rows.length > 0;
  }

  /** Sets what decided the leg (the winner's: a manual confirmation replaces an earlier alert). */
  async replaceDetection(manager: EntityManager, orgId: string, legId: string, detection: LegDetection): Promise<void> {
    await manager.query(
      `UPDATE orchestrator.legs SET detection = $3, updated_at = now() WHERE id = $1 AND org_id = $2`,
      [legId, orgId, JSON.stringify(detection)],
    );
  }

  /** Moves the leg to its next IVR step only from `step` (one conditional UPDATE: a redelivered timer does nothing). */
  async advanceIvrStep(manager: EntityManager, orgId: string, legId: string, step: number): Promise<boolean> {
    const rows: unknown[] = await changedRows(
      manager,
      `UPDATE orchestrator.legs SET ivr_step = $3 + 1, updated_at = now()
        WHERE id = $1 AND org_id = $2 AND ivr_step = $3 AND status = 'ivr' RETURNING id`,
      [legId, orgId, step],
    );
    return rows.length > 0;
  }

  /** Names the leg's call (set once, when the call row is written before its dial). */
  async attachCall(manager: EntityManager, orgId: string, legId: string, callId: string): Promise<void> {
    await manager.query(`UPDATE orchestrator.legs SET call_id = $3, updated_at = now() WHERE id = $1 AND org_id = $2`, [
      legId,
      orgId,
      callId,
    ]);
  }

  get(manager: EntityManager, orgId: string, legId: string): Promise<LegEntity | null> {
    return manager.findOneBy(LegEntity, { id: legId, orgId });
  }

  /** The hunt's legs, oldest first. */
  ofHunt(manager: EntityManager, orgId: string, huntId: string): Promise<LegEntity[]> {
    return manager.find(LegEntity, { where: { orgId, huntId }, order: { startedAt: 'ASC', attempt: 'ASC' } });
  }
}
