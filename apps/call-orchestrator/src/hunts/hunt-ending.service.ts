import { HuntEventSubjects, type HuntStatus, type LegEndReason } from '@callfleet/contracts';
import { JobScheduler } from '@callfleet/persistence';
import { Clock } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CallHangUps } from '../calls/call-hang-up.job';
import { LegTransitions } from '../legs/leg-transitions.service';
import { LegsRepository } from '../legs/legs.repository';
import { LineLeases } from '../lines/line-leases.repository';
import type { HuntEntity } from './hunt.entity';
import { HuntMetrics } from './hunt.metrics';
import { HuntEvents } from './hunt-events.outbox';
import { HuntsRepository } from './hunts.repository';

/** The durable job key of a leg's dial (one per leg: two replicas never dial it twice). */
export const dialJobKey = (legId: string) => `dial:${legId}`;
export const HUNT_DEADLINE_JOB = 'orchestrator.hunt-deadline';
export const huntDeadlineKey = (huntId: string) => `hunt-deadline:${huntId}`;

export type HuntEnd = { status: 'cancelled'; by: string | null } | { status: 'exhausted' };

/**
 * Ends a hunt for good (cancelled, or exhausted when its budget ran out), in the caller's transaction:
 * the hunt's one conditional move, every live leg ended (pending dials dropped, placed calls hung up
 * by durable jobs: answered ones completed, ringing ones canceled), every line given back, the event.
 */
@Injectable()
export class HuntEnding {
  private readonly logger = new Logger('HuntEnding');

  constructor(
    private readonly hunts: HuntsRepository,
    private readonly legs: LegsRepository,
    private readonly transitions: LegTransitions,
    private readonly leases: LineLeases,
    private readonly hangUps: CallHangUps,
    private readonly scheduler: JobScheduler,
    private readonly events: HuntEvents,
    private readonly clock: Clock,
    private readonly metrics: HuntMetrics,
  ) {}

  /** The hunt after it ended, or null when it was over already (or not this org's). */
  async end(manager: EntityManager, orgId: string, huntId: string, how: HuntEnd): Promise<HuntEntity | null> {
    const now = this.clock.now();
    // A cancel also stops a hand-off; the budget running out does not interrupt one.
    const from: HuntStatus[] = how.status === 'cancelled' ? ['running', 'transferring'] : ['running'];
    const hunt = await this.hunts.end(manager, orgId, huntId, how.status, how.status, from, now);
    if (!hunt) return null;
    const reason: LegEndReason = how.status === 'cancelled' ? 'cancelled' : 'exhausted';
    const ended = await this.endLiveLegs(manager, orgId, huntId, reason);
    await this.leases.releaseHunt(manager, orgId, huntId);
    if (how.status === 'cancelled') {
      await this.scheduler.cancel(huntDeadlineKey(huntId), manager);
      await this.events.publish(manager, orgId, {
        subject: HuntEventSubjects.CANCELLED,
        data: { huntId, cancelledBy: how.by },
      });
    } else {
      const all = await this.legs.ofHunt(manager, orgId, huntId);
      await this.events.publish(manager, orgId, {
        subject: HuntEventSubjects.EXHAUSTED,
        data: { huntId, legs: all.length },
      });
    }
    this.metrics.huntsEnded.inc({ status: how.status });
    this.logger.log({ msg: 'hunt ended', huntId, status: how.status, legsHungUp: ended });
    return hunt;
  }

  /**
   * Ends every live leg of the hunt with `reason` but `exceptLegId` (a winner), in the caller's
   * transaction: pending dials dropped, placed calls hung up by durable jobs after the commit (answered
   * ones completed, ringing or queued ones canceled). Lines are the caller's to give back. The number ended.
   */
  async endLiveLegs(
    manager: EntityManager,
    orgId: string,
    huntId: string,
    reason: LegEndReason,
    exceptLegId?: string,
  ): Promise<number> {
    const ended = await this.transitions.endAllLive(
      manager,
      orgId,
      huntId,
      reason,
      { source: 'engine', kind: reason },
      exceptLegId,
    );
    await this.scheduler.cancelMany(
      ended.map((leg) => dialJobKey(leg.id)),
      manager,
    );
    const calls = ended.flatMap((leg) => (leg.callId ? [leg.callId] : []));
    await this.hangUps.scheduleMany(manager, calls, this.clock.now());
    if (ended.length > 0) this.metrics.legsEnded.inc({ reason }, ended.length);
    return ended.length;
  }
}
