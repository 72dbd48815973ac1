import { HuntEventSubjects, type LegEndReason, type LegEventSource, type LegStatus } from '@callfleet/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HuntEvents } from '../hunts/hunt-events.outbox';
import type { LegEntity } from './leg.entity';
import { LegsRepository, type LegTransitionOptions, type MovedLeg } from './legs.repository';

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
    const to = leg.status;
    const orgId = leg.orgId;
    await this.legs.recordEvent(manager, {
      orgId,
      huntId: leg.huntId,
      legId: leg.id,
      callId: leg.callId,
      source: cause.source,
      kind: cause.kind ?? `leg-${to}`,
      confidence: cause.confidence ?? null,
      detail: { from: leg.from, to, ...(options.reason ? { reason: options.reason } : {}), ...cause.detail },
      at: cause.at,
    });
    await this.events.publish(manager, orgId, {
      subject: HuntEventSubjects.LEG_STATUS_CHANGED,
      data: {
        huntId: leg.huntId,
        legId: leg.id,
        lineId: leg.lineId,
        callId: leg.callId,
        attempt: leg.attempt,
        from: leg.from,
        to,
        reason: (leg.endReason as LegEndReason | null) ?? null,
      },
    });
  }
}
