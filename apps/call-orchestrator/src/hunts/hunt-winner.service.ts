import {
  type DetectionDecider,
  ErrorCode,
  type HuntDto,
  HuntEventSubjects,
  type LegEventSource,
  TERMINAL_CALL_STATUSES,
} from '@callfleet/contracts';
import { JobRunner, JobScheduler } from '@callfleet/persistence';
import { AppException, Clock, type OrgCaller, requireRole } from '@callfleet/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { decideHuman, type HumanDecision, type HumanSignal, type IgnoredWhy } from '../detection/human-decision';
import { HUNT_TRANSFER_JOB, type HuntTransferPayload, huntTransferKey } from '../handoff/hunt-transfer.job';
import type { LegDetection } from '../legs/leg.entity';
import { LegTransitions } from '../legs/leg-transitions.service';
import { LegsRepository } from '../legs/legs.repository';
import { LineLeases } from '../lines/line-leases.repository';
import { HuntMetrics } from './hunt.metrics';
import { HUNT_RUNNER_ROLES } from './hunt-creation.service';
import { HuntEnding, huntDeadlineKey } from './hunt-ending.service';
import { HuntEvents } from './hunt-events.outbox';
import { HuntWinnerRepository, type SignalTarget } from './hunt-winner.repository';
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
 * scheduled under the fence (`handoff/hunt-transfer.job.ts`); once committed, this process runs
 * that job at once (`JobRunner.runNow`), the same job a runner would otherwise claim.
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
    private readonly transitions: LegTransitions,
    private readonly ending: HuntEnding,
    private readonly leases: LineLeases,
    private readonly scheduler: JobScheduler,
    private readonly runner: JobRunner,
    private readonly events: HuntEvents,
    private readonly clock: Clock,
    private readonly metrics: HuntMetrics,
  ) {}

  /**
   * Judges one signal and acts on it. The read is outside any transaction: a signal that cannot win
   * (the hunt is won already, the leg is over) costs one read and one insert, which is what most of
   * 70 racing signals are; a claim runs in its own transaction, where the conditional write decides.
   */
  async claim(report: HumanSignalReport): Promise<ClaimOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.judge(report);
        // Committed: the hand-off starts here and now rather than after a runner's wake-up and poll.
        if (outcome.outcome === 'won') void this.runner.runNow(huntTransferKey(outcome.huntId, outcome.fence));
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

  private async judge(report: HumanSignalReport): Promise<ClaimOutcome> {
    const of = report.legId ? { legId: report.legId } : report.callId ? { callId: report.callId } : null;
    const target = of && (await this.winners.target(this.dataSource.manager, report.orgId, of));
    if (!target || (report.huntId !== undefined && target.huntId !== report.huntId)) {
      return { outcome: 'ignored', why: 'unknown-leg' };
    }
    const decision = decideHuman(report, {
      huntStatus: target.huntStatus,
      winnerLegId: target.winnerLegId,
      legId: target.legId,
      legStatus: target.legStatus,
      callLive:
        target.callStatus !== null && !(TERMINAL_CALL_STATUSES as readonly string[]).includes(target.callStatus),
      mode: target.detection.mode,
      minConfidence: target.detection.minConfidence,
      script: target.ivrScript,
      ivrStep: target.ivrStep,
    });
    const huntId = target.huntId;
    if (decision.act === 'ignore' || decision.act === 'lost') {
      if (!(await this.record(this.dataSource.manager, target, report, decision))) {
        return { outcome: 'ignored', why: 'duplicate', huntId };
      }
      return decision.act === 'lost'
        ? { outcome: 'lost', huntId, winnerLegId: target.winnerLegId }
        : { outcome: 'ignored', why: decision.why, huntId };
    }
    return this.dataSource.transaction(async (manager) => {
      // In the transaction: a redelivery racing this one waits on the key, then finds it taken.
      if (!(await this.record(manager, target, report, decision)))
        return { outcome: 'ignored', why: 'duplicate', huntId };
      return decision.act === 'alert' ? this.alert(manager, target, report) : this.win(manager, target, report);
    });
  }

  /** The signal's line in the leg's history; false when its key was recorded already. */
  private record(
    manager: EntityManager,
    target: SignalTarget,
    report: HumanSignalReport,
    decision: HumanDecision,
  ): Promise<boolean> {
    return this.legs.recordEvent(manager, {
      orgId: target.orgId,
      huntId: target.huntId,
      legId: target.legId,
      callId: target.callId,
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
  }

  /** Confirm mode: the leg's first detection is noted and announced; the hunt runs on, waiting for a person. */
  private async alert(manager: EntityManager, target: SignalTarget, report: HumanSignalReport): Promise<ClaimOutcome> {
    if (await this.legs.setDetection(manager, target.orgId, target.legId, detectionOf(report))) {
      await this.events.publish(manager, target.orgId, {
        subject: HuntEventSubjects.HUMAN_DETECTED,
        data: {
          huntId: target.huntId,
          legId: target.legId,
          decidedBy: report.decidedBy,
          confidence: report.confidence,
          mode: 'confirm',
        },
      });
    }
    return { outcome: 'alerted', huntId: target.huntId, legId: target.legId };
  }

  private async win(manager: EntityManager, target: SignalTarget, report: HumanSignalReport): Promise<ClaimOutcome> {
    const { orgId, huntId, legId } = target;
    const now = this.clock.now();
    const won = await this.winners.claim(manager, orgId, huntId, legId, now);
    if (!won) {
      // Another claim (or a cancel, the deadline) got there first; its row is committed now.
      const after = await this.hunts.get(manager, orgId, huntId);
      if (after?.winnerLegId === legId) return { outcome: 'ignored', why: 'already-won', huntId };
      if (after?.winnerLegId) return { outcome: 'lost', huntId, winnerLegId: after.winnerLegId };
      return { outcome: 'ignored', why: 'hunt-not-running', huntId };
    }
    const cause = { source: report.source, kind: 'human-decided', confidence: report.confidence };
    const human = await this.transitions.move(manager, orgId, legId, 'human', cause, {
      expectFrom: [target.legStatus],
    });
    // Moved by a callback since it was read: undo the win (the transaction) and judge the leg again.
    if (!human) throw new LegMovedMeanwhile(`leg ${legId} left ${target.legStatus}`);
    await this.legs.replaceDetection(manager, orgId, legId, detectionOf(report));
    await this.events.publishMany(manager, orgId, [
      {
        subject: HuntEventSubjects.HUMAN_DETECTED,
        data: { huntId, legId, decidedBy: report.decidedBy, confidence: report.confidence, mode: 'auto' },
      },
      { subject: HuntEventSubjects.WON, data: { huntId, legId, fence: won.fence } },
    ]);
    await this.transitions.move(
      manager,
      orgId,
      legId,
      'transferring',
      { source: 'engine', kind: 'won', detail: { fence: won.fence } },
      { expectFrom: ['human'] },
    );
    const losers = await this.ending.endLiveLegs(manager, orgId, huntId, 'lost-race', legId);
    await this.leases.releaseHunt(manager, orgId, huntId, target.lineId);
    // The budget no longer applies: the hand-off has its own retries.
    await this.scheduler.cancel(huntDeadlineKey(huntId), manager);
    const payload: HuntTransferPayload = { orgId, huntId, legId, fence: won.fence, decidedAtMs: report.decidedAtMs };
    await this.scheduler.schedule(HUNT_TRANSFER_JOB, now, payload, {
      key: huntTransferKey(huntId, won.fence),
      manager,
    });
    this.logger.log({ msg: 'hunt won', huntId, legId, fence: won.fence, by: report.decidedBy, losers });
    return { outcome: 'won', huntId, legId, fence: won.fence };
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
