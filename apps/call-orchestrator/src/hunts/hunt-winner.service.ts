import {
  type DetectionDecider,
  ErrorCode,
  type HuntDto,
  HuntEventSubjects,
  type LegEventSource,
  TERMINAL_CALL_STATUSES,
} from '@callfleet/contracts';
import { JobScheduler } from '@callfleet/persistence';
import { AppException, Clock, type OrgCaller, requireRole } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CallsRepository } from '../calls/calls.repository';
import { decideHuman, type HumanSignal, type IgnoredWhy } from '../detection/human-decision';
import { HUNT_TRANSFER_JOB, type HuntTransferPayload, huntTransferKey } from '../handoff/hunt-transfer.job';
import type { LegDetection, LegEntity } from '../legs/leg.entity';
import { LegTransitions } from '../legs/leg-transitions.service';
import { LegsRepository } from '../legs/legs.repository';
import { LineLeases } from '../lines/line-leases.repository';
import type { HuntEntity } from './hunt.entity';
import { HuntMetrics } from './hunt.metrics';
import { HUNT_RUNNER_ROLES } from './hunt-creation.service';
import { HuntEnding, huntDeadlineKey } from './hunt-ending.service';
import { HuntEvents } from './hunt-events.outbox';
import { HuntWinnerRepository } from './hunt-winner.repository';
import { HuntsRepository } from './hunts.repository';
import { HuntsService } from './hunts.service';

/** One signal about one leg, as it reached the orchestrator. */
export interface HumanSignalReport extends HumanSignal {
  orgId: string;
  /** The leg (a manual confirmation names it, with its hunt) or its call (media-stream, AMD). */
  legId?: string;
  huntId?: string;
  callId?: string;
  evidence?: string[];
  /** The signal's own id (a JetStream event's, a provider event's): a redelivery is recorded once, acts once. */
  signalKey: string | null;
  /** When the signal reached the orchestrator (epoch ms): where the transfer latency starts. */
  decidedAtMs: number;
  /** Its line in the leg's history. */
  source: LegEventSource;
  kind: string;
  detail?: Record<string, unknown>;
  at?: Date;
}

export type ClaimOutcome =
  | { outcome: 'won'; huntId: string; legId: string; fence: number }
  | { outcome: 'lost'; huntId: string; winnerLegId: string | null }
  | { outcome: 'alerted'; huntId: string; legId: string }
  | { outcome: 'ignored'; why: IgnoredWhy | 'duplicate' | 'unknown-leg'; huntId?: string };

/** The leg changed between the reads and the win (a callback moved it): the claim is tried again. */
class LegMovedMeanwhile extends Error {}
const CLAIM_TRIES = 3;

/**
 * Turns a signal into at most one winner. The signal is kept in the leg's history (once per
 * `signalKey`), judged by `decideHuman`, and a claim is one conditional write of the hunt
 * (`HuntWinnerRepository`); in the same transaction the winner goes `human → transferring`, every
 * other live leg ends `lost-race` (pending dials dropped, placed calls hung up by durable jobs),
 * their lines are given back (the winner's stays leased until its hand-off ends), the deadline timer
 * is dropped, `human-detected` and `won` go to the outbox, and the hand-off's durable job is
 * scheduled under the fence (`handoff/hunt-transfer.job.ts`).
 */
@Injectable()
export class HuntWinner {
  private readonly logger = new Logger('HuntWinner');

  constructor(
    private readonly dataSource: DataSource,
    private readonly winners: HuntWinnerRepository,
    private readonly hunts: HuntsRepository,
    private readonly huntViews: HuntsService,
    private readonly legs: LegsRepository,
    private readonly calls: CallsRepository,
    private readonly transitions: LegTransitions,
    private readonly ending: HuntEnding,
    private readonly leases: LineLeases,
    private readonly scheduler: JobScheduler,
    private readonly events: HuntEvents,
    private readonly clock: Clock,
    private readonly metrics: HuntMetrics,
  ) {}

  /** Judges one signal and acts on it, in its own transaction. */
  async claim(report: HumanSignalReport): Promise<ClaimOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.dataSource.transaction((manager) => this.claimIn(manager, report));
        this.count(report.decidedBy, outcome);
        return outcome;
      } catch (error) {
        if (!(error instanceof LegMovedMeanwhile) || attempt >= CLAIM_TRIES) throw error;
      }
    }
  }

  /** `hunts.v1.confirm-human`: a person says the leg is live; it wins unless another leg did. */
  async confirm(caller: OrgCaller, huntId: string, legId: string): Promise<HuntDto> {
    requireRole(caller, HUNT_RUNNER_ROLES);
    const outcome = await this.claim({
      orgId: caller.orgId,
      huntId,
      legId,
      decidedBy: 'manual',
      confidence: 1,
      signalKey: null,
      decidedAtMs: this.clock.nowMs(),
      source: 'manual',
      kind: 'confirm-human',
      detail: { by: caller.userId ?? null },
    });
    if (outcome.outcome === 'lost') {
      throw new AppException(ErrorCode.CONFLICT, 'The hunt was won by another leg', {
        winnerLegId: outcome.winnerLegId,
      });
    }
    if (outcome.outcome === 'ignored') {
      if (outcome.why === 'unknown-leg') throw new AppException(ErrorCode.NOT_FOUND, 'Leg not found');
      if (outcome.why !== 'already-won') {
        throw new AppException(ErrorCode.CONFLICT, 'The leg is not on a live call of a running hunt', {
          why: outcome.why,
        });
      }
    }
    return this.huntViews.get(caller.orgId, huntId);
  }

  private async claimIn(manager: EntityManager, report: HumanSignalReport): Promise<ClaimOutcome> {
    const leg = await this.legOf(manager, report);
    const hunt = leg && (await this.hunts.get(manager, report.orgId, leg.huntId));
    if (!leg || !hunt || (report.huntId !== undefined && hunt.id !== report.huntId)) {
      return { outcome: 'ignored', why: 'unknown-leg' };
    }
    const call = leg.callId ? await this.calls.byId(manager, leg.callId) : null;
    const decision = decideHuman(report, {
      huntStatus: hunt.status,
      winnerLegId: hunt.winnerLegId,
      legId: leg.id,
      legStatus: leg.status,
      callLive: call !== null && !(TERMINAL_CALL_STATUSES as readonly string[]).includes(call.status),
      mode: hunt.detection.mode,
      minConfidence: hunt.detection.minConfidence,
      script: hunt.ivrScript,
      ivrStep: leg.ivrStep,
    });
    const recorded = await this.legs.recordEvent(manager, {
      orgId: leg.orgId,
      huntId: hunt.id,
      legId: leg.id,
      callId: leg.callId,
      source: report.source,
      kind: report.kind,
      confidence: report.confidence,
      at: report.at,
      signalKey: report.signalKey,
      detail: {
        ...report.detail,
        decidedBy: report.decidedBy,
        decision: decision.act,
        ...(decision.act === 'ignore' ? { why: decision.why } : {}),
        ...(report.evidence ? { evidence: report.evidence } : {}),
      },
    });
    if (!recorded) return { outcome: 'ignored', why: 'duplicate', huntId: hunt.id };
    switch (decision.act) {
      case 'ignore':
        return { outcome: 'ignored', why: decision.why, huntId: hunt.id };
      case 'lost':
        return { outcome: 'lost', huntId: hunt.id, winnerLegId: hunt.winnerLegId };
      case 'alert':
        return this.alert(manager, hunt, leg, report);
      case 'claim':
        return this.win(manager, hunt, leg, report);
    }
  }

  private async legOf(manager: EntityManager, report: HumanSignalReport): Promise<LegEntity | null> {
    if (report.legId) return this.legs.get(manager, report.orgId, report.legId);
    if (!report.callId) return null;
    const leg = await this.legs.ofCall(manager, report.callId);
    // Another org's call is as good as unknown.
    return leg?.orgId === report.orgId ? leg : null;
  }

  /** Confirm mode: the leg's first detection is noted and announced; the hunt runs on, waiting for a person. */
  private async alert(
    manager: EntityManager,
    hunt: HuntEntity,
    leg: LegEntity,
    report: HumanSignalReport,
  ): Promise<ClaimOutcome> {
    if (await this.legs.setDetection(manager, leg.orgId, leg.id, detectionOf(report))) {
      await this.events.publish(manager, leg.orgId, {
        subject: HuntEventSubjects.HUMAN_DETECTED,
        data: {
          huntId: hunt.id,
          legId: leg.id,
          decidedBy: report.decidedBy,
          confidence: report.confidence,
          mode: 'confirm',
        },
      });
    }
    return { outcome: 'alerted', huntId: hunt.id, legId: leg.id };
  }

  private async win(
    manager: EntityManager,
    hunt: HuntEntity,
    leg: LegEntity,
    report: HumanSignalReport,
  ): Promise<ClaimOutcome> {
    const { orgId } = leg;
    const now = this.clock.now();
    const won = await this.winners.claim(manager, orgId, hunt.id, leg.id, now);
    if (!won) {
      // Another claim (or a cancel, the deadline) got there first; its row is committed now.
      const after = await this.hunts.get(manager, orgId, hunt.id);
      if (after?.winnerLegId === leg.id) return { outcome: 'ignored', why: 'already-won', huntId: hunt.id };
      if (after?.winnerLegId) return { outcome: 'lost', huntId: hunt.id, winnerLegId: after.winnerLegId };
      return { outcome: 'ignored', why: 'hunt-not-running', huntId: hunt.id };
    }
    const cause = { source: report.source, kind: 'human-decided', confidence: report.confidence };
    const human = await this.transitions.move(manager, orgId, leg.id, 'human', cause, { expectFrom: [leg.status] });
    // Moved by a callback since it was read: undo the win (the transaction) and judge the leg again.
    if (!human) throw new LegMovedMeanwhile(`leg ${leg.id} left ${leg.status}`);
    await this.legs.replaceDetection(manager, orgId, leg.id, detectionOf(report));
    await this.events.publish(manager, orgId, {
      subject: HuntEventSubjects.HUMAN_DETECTED,
      data: {
        huntId: hunt.id,
        legId: leg.id,
        decidedBy: report.decidedBy,
        confidence: report.confidence,
        mode: 'auto',
      },
    });
    await this.events.publish(manager, orgId, {
      subject: HuntEventSubjects.WON,
      data: { huntId: hunt.id, legId: leg.id, fence: won.fence },
    });
    await this.transitions.move(
      manager,
      orgId,
      leg.id,
      'transferring',
      { source: 'engine', kind: 'won', detail: { fence: won.fence } },
      { expectFrom: ['human'] },
    );
    const losers = await this.ending.endLiveLegs(manager, orgId, hunt.id, 'lost-race', leg.id);
    await this.leases.releaseHunt(manager, orgId, hunt.id, leg.lineId);
    // The budget no longer applies: the hand-off has its own retries.
    await this.scheduler.cancel(huntDeadlineKey(hunt.id), manager);
    const payload: HuntTransferPayload = {
      orgId,
      huntId: hunt.id,
      legId: leg.id,
      fence: won.fence,
      decidedAtMs: report.decidedAtMs,
    };
    await this.scheduler.schedule(HUNT_TRANSFER_JOB, now, payload, {
      key: huntTransferKey(hunt.id, won.fence),
      manager,
    });
    this.logger.log({
      msg: 'hunt won',
      huntId: hunt.id,
      legId: leg.id,
      fence: won.fence,
      by: report.decidedBy,
      losers,
    });
    return { outcome: 'won', huntId: hunt.id, legId: leg.id, fence: won.fence };
  }

  private count(decidedBy: DetectionDecider, outcome: ClaimOutcome): void {
    const label = outcome.outcome === 'ignored' && outcome.why === 'duplicate' ? 'duplicate' : outcome.outcome;
    this.metrics.detections.inc({ decidedBy, outcome: label });
    if (outcome.outcome === 'won') this.metrics.wins.inc({ decidedBy });
  }
}

function detectionOf(report: HumanSignalReport): LegDetection {
  return {
    decidedBy: report.decidedBy,
    confidence: report.confidence,
    ...(report.evidence ? { evidence: report.evidence } : {}),
  };
}
