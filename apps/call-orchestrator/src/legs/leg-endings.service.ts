import { randomUUID } from 'node:crypto';
import type { LegEndReason } from '@callfleet/contracts';
import { JobScheduler } from '@callfleet/persistence';
import { Clock } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HuntMetrics } from '../hunts/hunt.metrics';
import { dialJobKey, HuntEnding } from '../hunts/hunt-ending.service';
import { HuntsRepository } from '../hunts/hunts.repository';
import { LineLeases } from '../lines/line-leases.repository';
import { type LegMoveCause, LegTransitions } from './leg-transitions.service';
import { LegsRepository, type MovedLeg } from './legs.repository';
import { redialDecision } from './redial-decision';

export const DIAL_LEG_JOB = 'orchestrator.dial-leg';

export interface DialLegPayload {
  orgId: string;
  legId: string;
}

/**
 * What follows a leg's end, in the same transaction as the end itself: the line dialed again as a
 * new leg (attempt + 1, after the backoff) when `redialDecision` says so, else given back; and when
 * no leg of a running hunt is left, the hunt is exhausted.
 */
@Injectable()
export class LegEndings {
  private readonly logger = new Logger('LegEndings');

  constructor(
    private readonly transitions: LegTransitions,
    private readonly legs: LegsRepository,
    private readonly hunts: HuntsRepository,
    private readonly leases: LineLeases,
    private readonly scheduler: JobScheduler,
    private readonly ending: HuntEnding,
    private readonly clock: Clock,
    private readonly metrics: HuntMetrics,
  ) {}

  /** Ends (or fails) the leg with `reason`; null when it had ended already (late or repeated news). */
  async end(
    manager: EntityManager,
    orgId: string,
    legId: string,
    to: 'ended' | 'failed',
    reason: LegEndReason,
    cause: LegMoveCause,
  ): Promise<MovedLeg | null> {
    const leg = await this.transitions.move(manager, orgId, legId, to, cause, { reason });
    if (!leg) return null;
    this.metrics.legsEnded.inc({ reason });
    await this.afterEnd(manager, leg, reason);
    return leg;
  }

  private async afterEnd(manager: EntityManager, leg: MovedLeg, reason: LegEndReason): Promise<void> {
    const hunt = await this.hunts.get(manager, leg.orgId, leg.huntId);
    if (!hunt) return;
    const now = this.clock.now();
    const decision = redialDecision({
      reason,
      attempt: leg.attempt,
      maxAttemptsPerLine: hunt.redial.maxAttemptsPerLine,
      backoffMs: hunt.redial.backoffMs,
      nowMs: now.getTime(),
      deadlineMs: hunt.deadlineAt.getTime(),
      huntRunning: hunt.status === 'running',
    });
    const nextLegId = randomUUID();
    if (decision.redial && (await this.leases.assignLeg(manager, leg.orgId, leg.lineId, leg.huntId, nextLegId))) {
      const created = await this.legs.insert(manager, {
        id: nextLegId,
        orgId: leg.orgId,
        huntId: leg.huntId,
        lineId: leg.lineId,
        attempt: decision.attempt,
        startedAt: new Date(decision.atMs),
      });
      await this.transitions.created(manager, created, {
        source: 'engine',
        kind: 'redial',
        detail: { after: leg.id, reason },
      });
      await this.scheduleDial(manager, leg.orgId, created.id, new Date(decision.atMs));
      this.metrics.redials.inc({ reason });
      return;
    }
    await this.leases.release(manager, leg.orgId, leg.lineId, leg.huntId);
    if (hunt.status === 'running' && (await this.legs.live(manager, leg.orgId, leg.huntId)).length === 0) {
      this.logger.log({ msg: 'every line of the hunt is spent', huntId: hunt.id });
      await this.ending.end(manager, leg.orgId, leg.huntId, { status: 'exhausted' });
    }
  }

  /** The leg's one dial job (key = the leg: however often asked, one dial). */
  async scheduleDial(manager: EntityManager, orgId: string, legId: string, at: Date): Promise<void> {
    const payload: DialLegPayload = { orgId, legId };
    await this.scheduler.schedule(DIAL_LEG_JOB, at, payload, { key: dialJobKey(legId), manager });
  }
}
