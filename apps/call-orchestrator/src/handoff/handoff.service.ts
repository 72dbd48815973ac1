import { HuntEventSubjects, type LegEndReason } from '@callfleet/contracts';
import { JobScheduler } from '@callfleet/persistence';
import { Clock } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type DialOutcomeHandler, HANDOFF_QUERY_PARAM } from '../call-flow/dial-outcome';
import { hangUpTwiml } from '../call-flow/flow-twiml';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import type { CallEntity } from '../calls/call.entity';
import { CallControl } from '../calls/call-control.service';
import { CallHangUps } from '../calls/call-hang-up.job';
import { CallsRepository } from '../calls/calls.repository';
import type { HuntEntity } from '../hunts/hunt.entity';
import { HuntMetrics } from '../hunts/hunt.metrics';
import { HuntEvents } from '../hunts/hunt-events.outbox';
import { HuntsRepository } from '../hunts/hunts.repository';
import type { LegEntity } from '../legs/leg.entity';
import { LegTransitions } from '../legs/leg-transitions.service';
import { LegsRepository } from '../legs/legs.repository';
import { LineLeases } from '../lines/line-leases.repository';
import { HandoffMetrics } from './handoff.metrics';
import {
  type DestinationDial,
  destinationBridgeTwiml,
  handoffApologyTwiml,
  handoffRedirectTwiml,
  handoffRetryTwiml,
  handoffStartTwiml,
  type Spoken,
} from './handoff-twiml';
import type { HuntTransferPayload } from './hunt-transfer.job';
import { type TransferOutcome, transferOutcome } from './transfer-outcome';
import { type HandoffKey, TransfersRepository } from './transfers.repository';

/** The flow URL's query parameter with the dial's attempt number (1 for the first). */
export const HANDOFF_ATTEMPT_PARAM = 'attempt';
/** The flow URL's query flag of the destination's answered request (`<Number url>`). */
export const HANDOFF_ANSWERED_PARAM = 'answered';
export const HANDOFF_HUNG_UP_JOB = 'orchestrator.handoff-hung-up';
export const handoffHungUpKey = (huntId: string, fence: number) => `handoff-hung-up:${huntId}:${fence}`;
/** Attempts of the transfer job (its call update) before the hand-off fails `transfer-failed`. */
export const TRANSFER_MAX_ATTEMPTS = 5;

const FENCE = /^[1-9][0-9]{0,15}$/;
const ATTEMPT = /^[1-9][0-9]{0,2}$/;

/** How a hand-off ends for good. */
type HandoffEnd =
  | { status: 'connected' }
  | { status: 'failed'; reason: 'destination-unavailable' | 'far-end-hung-up' | 'transfer-failed' };

/**
 * The hand-off of a hunt's winner to its destination, from the transfer job the win scheduled:
 *
 * 1. The job takes the hand-off (`pending → sending`, one conditional update keyed on the fence,
 *    `transfer-started`), commits, and only then sends the call update: a redirect of the winner's call
 *    to our flow. A repeated or redelivered job finds it taken and sends nothing.
 * 2. The provider asks the flow (`?handoff=<fence>&attempt=1`): `sending → dialing`, and the answer is
 *    the greeting and the `<Dial>` of the destination, the person kept on the line.
 * 3. Each `<Dial action>` (`…&attempt=n`, `DialCallStatus`) decides (`transferOutcome`): connected; a
 *    hold message, a pause and dial n+1 (`transfer_attempts` moved once, keyed on n); or the apology
 *    and the end. A repeated action answers the same TwiML and changes nothing.
 *
 * Crash between the job's commit and its call update: the job's row is still running; after its lease
 * another runner retries it (attempt 2), finds the hand-off still `sending` (the provider never asked
 * the flow for it, so the call is not in our `<Dial>`) and sends the redirect again. Once the flow
 * was asked (`dialing`) nothing is sent again: a second redirect would cut a ringing or bridged dial.
 */
@Injectable()
export class Handoff implements DialOutcomeHandler {
  private readonly logger = new Logger('Handoff');

  constructor(
    private readonly dataSource: DataSource,
    private readonly transfers: TransfersRepository,
    private readonly hunts: HuntsRepository,
    private readonly legs: LegsRepository,
    private readonly calls: CallsRepository,
    private readonly transitions: LegTransitions,
    private readonly leases: LineLeases,
    private readonly events: HuntEvents,
    private readonly control: CallControl,
    private readonly hangUps: CallHangUps,
    private readonly scheduler: JobScheduler,
    private readonly clock: Clock,
    private readonly config: CallOrchestratorConfig,
    private readonly metrics: HandoffMetrics,
    private readonly huntMetrics: HuntMetrics,
  ) {}

  /** The transfer job's run (`jobAttempt` 1 on the first): take the hand-off, then send the call update. */
  async transfer(payload: HuntTransferPayload, jobAttempt: number): Promise<void> {
    const key: HandoffKey = payload;
    const taken = await this.dataSource.transaction(async (manager) => {
      const claimed = await this.transfers.claim(manager, key);
      if (claimed) {
        await this.events.publish(manager, key.orgId, {
          subject: HuntEventSubjects.TRANSFER_STARTED,
          data: { huntId: key.huntId, legId: key.legId, attempt: 1 },
        });
        return { first: true };
      }
      // Only a retry of this very job (its earlier attempt died or failed) sends again, and only before the flow was asked.
      if (jobAttempt > 1 && (await this.transfers.stillSending(manager, key))) return { first: false };
      return null;
    });
    if (!taken) {
      this.metrics.transfersSkipped.inc();
      return;
    }
    const call = await this.winnerCall(this.dataSource.manager, key);
    try {
      if (!call?.providerCallId) throw new Error(`the winner ${key.legId} has no placed call`);
      const start = this.control.flowUrl(call, {
        [HANDOFF_QUERY_PARAM]: String(key.fence),
        [HANDOFF_ATTEMPT_PARAM]: '1',
      });
      await this.control.updateInstructions(call, handoffRedirectTwiml(start), () => {
        if (taken.first)
          this.metrics.transferLatency.observe(Math.max(0, this.clock.nowMs() - payload.decidedAtMs) / 1000);
      });
    } catch (error) {
      if (jobAttempt < TRANSFER_MAX_ATTEMPTS) throw error;
      this.logger.error({ msg: 'the transfer request failed for good', huntId: key.huntId, error: String(error) });
      await this.dataSource.transaction((manager) =>
        this.end(manager, key, { status: 'failed', reason: 'transfer-failed' }, undefined, call),
      );
      return;
    }
    this.logger.log({ msg: 'transfer sent', huntId: key.huntId, legId: key.legId, fence: key.fence });
  }

  /** The provider asks what the winner's call does next in its hand-off (its start, or a dial's outcome). */
  async dialOutcome(
    call: CallEntity,
    params: Record<string, string | string[]>,
    query: Record<string, string>,
  ): Promise<string> {
    const fence = query[HANDOFF_QUERY_PARAM];
    const attemptParam = query[HANDOFF_ATTEMPT_PARAM];
    if (!call.huntId || !call.legId || !FENCE.test(fence ?? '') || !ATTEMPT.test(attemptParam ?? '')) {
      return hangUpTwiml();
    }
    const hunt = await this.hunts.get(this.dataSource.manager, call.orgId, call.huntId);
    if (!hunt || hunt.winnerLegId !== call.legId || hunt.winnerFence !== Number(fence)) return hangUpTwiml();
    const key: HandoffKey = { orgId: call.orgId, huntId: hunt.id, legId: call.legId, fence: Number(fence) };
    const attempt = Number(attemptParam);
    if (query[HANDOFF_ANSWERED_PARAM] === '1') return this.destinationAnswered(hunt, key, attempt);
    const dialCallStatus = single(params.DialCallStatus);
    if (dialCallStatus === undefined) return this.started(call, hunt, key);
    this.metrics.destinationDials.inc({ status: dialCallStatus || 'unknown' });
    const outcome = transferOutcome(
      { dialCallStatus, attempt, callEnded: single(params.CallStatus) === 'completed' },
      this.config.HUNT_HANDOFF_RETRIES,
    );
    return this.dialed(call, hunt, key, attempt, outcome);
  }

  /**
   * A provider event ended the winner's call while it was being handed off (the person hung up). The
   * `<Dial action>` says whether the destination had answered and races this event, so the hunt is
   * failed `far-end-hung-up` only if no dial outcome decided it within the grace. True when handled.
   */
  async winnerCallEnded(manager: EntityManager, leg: LegEntity, hunt: HuntEntity): Promise<boolean> {
    if (hunt.status !== 'transferring' || hunt.winnerLegId !== leg.id || hunt.winnerFence === null) return false;
    const payload: HandoffKey = { orgId: leg.orgId, huntId: hunt.id, legId: leg.id, fence: hunt.winnerFence };
    const at = new Date(this.clock.nowMs() + this.config.HUNT_HANDOFF_HANG_UP_GRACE_MS);
    await this.scheduler.schedule(HANDOFF_HUNG_UP_JOB, at, payload, {
      key: handoffHungUpKey(hunt.id, hunt.winnerFence),
      manager,
    });
    return true;
  }

  /** No dial outcome decided the hand-off within the grace after the winner's call ended: it failed. */
  async hungUp(manager: EntityManager, key: HandoffKey): Promise<void> {
    await this.end(manager, key, { status: 'failed', reason: 'far-end-hung-up' });
  }

  /**
   * The destination answered dial `attempt` (its whisper request, before the bridge): connected now,
   * not when the bridge is over. A hunt no longer handing off (cancelled) turns the destination away.
   */
  private async destinationAnswered(hunt: HuntEntity, key: HandoffKey, attempt: number): Promise<string> {
    const ended = await this.dataSource.transaction((manager) =>
      this.end(manager, key, { status: 'connected' }, attempt),
    );
    return ended || hunt.status === 'transferring' || hunt.status === 'connected'
      ? destinationBridgeTwiml()
      : hangUpTwiml();
  }

  /** The call runs the hand-off's redirect: the greeting and the first dial. */
  private async started(call: CallEntity, hunt: HuntEntity, key: HandoffKey): Promise<string> {
    if (hunt.status !== 'transferring') return hangUpTwiml();
    await this.transfers.dialing(this.dataSource.manager, key);
    return handoffStartTwiml(this.spoken(this.config.HUNT_HANDOFF_GREETING), this.dial(call, hunt, key, 1));
  }

  /** A dial's outcome: the hunt moves once (keyed on the attempt); the TwiML is the same however often asked. */
  private async dialed(
    call: CallEntity,
    hunt: HuntEntity,
    key: HandoffKey,
    attempt: number,
    outcome: TransferOutcome,
  ): Promise<string> {
    switch (outcome.kind) {
      case 'connected':
        // Usually connected already (the destination's answered request); this covers a lost one.
        await this.dataSource.transaction((manager) => this.end(manager, key, { status: 'connected' }));
        // The action comes when the bridge is over: nothing is left to do on the call.
        return hangUpTwiml();
      case 'far-end-gone':
        await this.dataSource.transaction((manager) =>
          this.end(manager, key, { status: 'failed', reason: 'far-end-hung-up' }),
        );
        return hangUpTwiml();
      case 'give-up': {
        const ended = await this.dataSource.transaction((manager) =>
          this.end(manager, key, { status: 'failed', reason: outcome.reason }, attempt),
        );
        const apologised = ended || (hunt.status === 'failed' && hunt.endReason === outcome.reason);
        return apologised || hunt.status === 'transferring'
          ? handoffApologyTwiml(this.spoken(this.config.HUNT_HANDOFF_APOLOGY))
          : hangUpTwiml();
      }
      case 'retry': {
        if (hunt.status !== 'transferring') return hangUpTwiml();
        await this.dataSource.transaction(async (manager) => {
          if (!(await this.transfers.nextAttempt(manager, key, attempt))) return;
          await this.events.publish(manager, key.orgId, {
            subject: HuntEventSubjects.TRANSFER_RETRYING,
            data: { huntId: key.huntId, legId: key.legId, attempt: outcome.attempt, reason: outcome.reason },
          });
        });
        return handoffRetryTwiml(
          this.spoken(this.config.HUNT_HANDOFF_HOLD_MESSAGE),
          this.config.HUNT_HANDOFF_RETRY_SPACING_SEC,
          this.dial(call, hunt, key, outcome.attempt),
        );
      }
    }
  }

  /**
   * Ends the hand-off in the caller's transaction: the hunt's one conditional move, the winner's leg
   * (`connected`, or `ended`/`failed` with the reason), the winner's line given back, the event. A
   * transfer that failed for good also hangs the call up. False when it was over already.
   */
  private async end(
    manager: EntityManager,
    key: HandoffKey,
    how: HandoffEnd,
    attempt?: number,
    hangUp?: CallEntity | null,
  ): Promise<boolean> {
    const hunt = await this.transfers.finish(manager, key, how, attempt);
    if (!hunt) return false;
    const cause = { source: 'engine' as const, kind: how.status === 'connected' ? 'handoff-connected' : how.reason };
    if (how.status === 'connected') {
      await this.transitions.move(manager, key.orgId, key.legId, 'connected', cause);
    } else {
      const reason: LegEndReason = how.reason === 'transfer-failed' ? 'failed' : how.reason;
      const to = how.reason === 'far-end-hung-up' ? 'ended' : 'failed';
      const moved = await this.transitions.move(manager, key.orgId, key.legId, to, cause, { reason });
      if (moved) this.huntMetrics.legsEnded.inc({ reason });
    }
    await this.leases.releaseHunt(manager, key.orgId, key.huntId);
    await this.scheduler.cancel(handoffHungUpKey(key.huntId, key.fence), manager);
    if (hangUp) await this.hangUps.schedule(manager, hangUp.id, this.clock.now());
    await this.events.publish(
      manager,
      key.orgId,
      how.status === 'connected'
        ? { subject: HuntEventSubjects.CONNECTED, data: { huntId: key.huntId, legId: key.legId } }
        : { subject: HuntEventSubjects.FAILED, data: { huntId: key.huntId, legId: key.legId, reason: how.reason } },
    );
    const outcome = how.status === 'connected' ? 'connected' : how.reason;
    this.metrics.handoffs.inc({ outcome });
    this.huntMetrics.huntsEnded.inc({ status: hunt.status });
    this.logger.log({ msg: 'hand-off over', huntId: key.huntId, outcome, attempts: hunt.transferAttempts });
    return true;
  }

  private dial(call: CallEntity, hunt: HuntEntity, key: HandoffKey, attempt: number): DestinationDial {
    return {
      destination: hunt.destination,
      actionUrl: this.control.flowUrl(call, {
        [HANDOFF_QUERY_PARAM]: String(key.fence),
        [HANDOFF_ATTEMPT_PARAM]: String(attempt),
      }),
      answeredUrl: this.control.flowUrl(call, {
        [HANDOFF_QUERY_PARAM]: String(key.fence),
        [HANDOFF_ATTEMPT_PARAM]: String(attempt),
        [HANDOFF_ANSWERED_PARAM]: '1',
      }),
      timeoutSec: this.config.HUNT_HANDOFF_DIAL_TIMEOUT_SEC,
      // The destination sees the winner's line (a number of the account, so the provider allows it).
      callerId: call.fromNumber,
    };
  }

  private spoken(text: string): Spoken {
    return { text, voice: this.config.HUNT_HANDOFF_VOICE };
  }

  private async winnerCall(manager: EntityManager, key: HandoffKey): Promise<CallEntity | null> {
    const leg = await this.legs.get(manager, key.orgId, key.legId);
    return leg?.callId ? this.calls.byId(manager, leg.callId) : null;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
