import {
  type HuntEvent,
  HuntEventSubjects,
  type LegEndReason,
  type LegEventSource,
  type LegStatus,
} from '@callfleet/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HuntEvents } from '../hunts/hunt-events.outbox';
import type { LegEntity } from './leg.entity';
import { type LegEventRecord, LegsRepository, type LegTransitionOptions, type MovedLeg } from './legs.repository';

export interface LegMoveCause {
  source: LegEventSource;
  /** The history line's kind (`call-status`, `ivr-done`, `cancelled`, …). */
  kind?: string;
  confidence?: number | null;
  detail?: Record<string, unknown>;
  at?: Date;
}

/**
 * A leg's move with everything that goes with it, in the caller's transaction: the guarded UPDATE, a
 * history line, and `events.hunts.v1.leg-status-changed`. Refused moves (late, repeated, another
 * org's) change nothing and return null.
 */
@Injectable()
export class LegTransitions {
  constructor(
    private readonly legs: LegsRepository,
    private readonly events: HuntEvents,
  ) {}

  async move(
    manager: EntityManager,
    orgId: string,
    legId: string,
    to: LegStatus,
    cause: LegMoveCause,
    options: LegTransitionOptions = {},
  ): Promise<MovedLeg | null> {
    const leg = await this.legs.transition(manager, orgId, legId, to, options);
    if (!leg) return null;
    await this.told(manager, leg, cause, options);
    return leg;
  }

  /**
   * Ends every live leg of the hunt but `exceptLegId` with `reason` (one UPDATE, one history insert,
   * one outbox insert: a hunt of 70 lines ends in a few statements). The legs ended.
   */
  async endAllLive(
    manager: EntityManager,
    orgId: string,
    huntId: string,
    reason: LegEndReason,
    cause: LegMoveCause,
    exceptLegId?: string,
  ): Promise<MovedLeg[]> {
    const ended = await this.legs.endAllLive(manager, orgId, huntId, reason, exceptLegId);
    await this.legs.recordEvents(
      manager,
      ended.map((leg) => this.historyLine(leg, cause, { reason })),
    );
    await this.events.publishMany(
      manager,
      orgId,
      ended.map((leg) => this.statusChanged(leg)),
    );
    return ended;
  }

  /** A leg just inserted (`dialing`): its first history line and event (`from: null`). */
  async created(manager: EntityManager, leg: LegEntity, cause: LegMoveCause): Promise<void> {
    await this.told(manager, Object.assign(leg, { from: null }), cause, {});
  }

  private async told(
    manager: EntityManager,
    leg: LegEntity & { from: LegStatus | null },
    cause: LegMoveCause,
    options: LegTransitionOptions,
  ): Promise<void> {
    await this.legs.recordEvent(manager, this.historyLine(leg, cause, options));
    await this.events.publish(manager, leg.orgId, this.statusChanged(leg));
  }

  private historyLine(
    leg: LegEntity & { from: LegStatus | null },
    cause: LegMoveCause,
    options: LegTransitionOptions,
  ): LegEventRecord {
    const to = leg.status;
    return {
      orgId: leg.orgId,
      huntId: leg.huntId,
      legId: leg.id,
      callId: leg.callId,
      source: cause.source,
      kind: cause.kind ?? `leg-${to}`,
      confidence: cause.confidence ?? null,
      detail: { from: leg.from, to, ...(options.reason ? { reason: options.reason } : {}), ...cause.detail },
      at: cause.at,
    };
  }

  private statusChanged(leg: LegEntity & { from: LegStatus | null }): HuntEvent {
    return {
      subject: HuntEventSubjects.LEG_STATUS_CHANGED,
      data: {
        huntId: leg.huntId,
        legId: leg.id,
        lineId: leg.lineId,
        callId: leg.callId,
        attempt: leg.attempt,
        from: leg.from,
        to: leg.status,
        reason: (leg.endReason as LegEndReason | null) ?? null,
      },
    };
  }
}
