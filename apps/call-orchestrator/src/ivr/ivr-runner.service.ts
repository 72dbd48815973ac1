import type { IvrStep } from '@callfleet/contracts';
import { JobScheduler } from '@callfleet/persistence';
import { Clock } from '@callfleet/platform';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { digitsTwiml } from '../call-flow/flow-twiml';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import { CallControl } from '../calls/call-control.service';
import { CallsRepository } from '../calls/calls.repository';
import { HuntMetrics } from '../hunts/hunt.metrics';
import { HuntsRepository } from '../hunts/hunts.repository';
import type { LegEntity } from '../legs/leg.entity';
import { LegTransitions } from '../legs/leg-transitions.service';
import { LegsRepository } from '../legs/legs.repository';
import { type RandomSource, stepDelayMs } from './ivr-timing';

export const IVR_STEP_JOB = 'orchestrator.ivr-step';
export const ivrStepKey = (legId: string, step: number) => `ivr:${legId}:${step}`;
/** The jitter's random numbers (Math.random unless a test provides a seeded one). */
export const IVR_RANDOM = Symbol('callfleet:ivr-random');
/** After digits, the next step waits at least this long, so two updates never overtake each other. */
const AFTER_DIGITS_MIN_MS = 500;

export interface IvrStepPayload {
  orgId: string;
  legId: string;
  step: number;
}

/**
 * Runs an answered leg's IVR script on durable timers. Each step's timer is a job keyed by leg and
 * step; a step is taken by one conditional update of `legs.ivr_step` (from this step to the next,
 * in the transaction that schedules the next timer), and only the run that moved it sends its
 * digits, after the commit: a redelivered timer, a second replica or a restart never repeats a
 * digit. After the last step the leg is `holding`.
 */
@Injectable()
export class IvrRunner {
  private readonly logger = new Logger('IvrRunner');
  private readonly random: RandomSource;

  constructor(
    private readonly dataSource: DataSource,
    private readonly legs: LegsRepository,
    private readonly hunts: HuntsRepository,
    private readonly calls: CallsRepository,
    private readonly transitions: LegTransitions,
    private readonly control: CallControl,
    private readonly scheduler: JobScheduler,
    private readonly clock: Clock,
    private readonly config: CallOrchestratorConfig,
    private readonly metrics: HuntMetrics,
    @Optional() @Inject(IVR_RANDOM) random?: RandomSource,
  ) {
    this.random = random ?? Math.random;
  }

  /** A leg just moved to `ivr`: its first step's timer (or straight to hold for an empty script). */
  async start(manager: EntityManager, leg: LegEntity, script: readonly IvrStep[]): Promise<void> {
    await this.becomeCurrent(manager, leg, script, 0, this.clock.now());
  }

  /** Makes `step` the current one: its timer, or `holding` after the last. */
  private async becomeCurrent(
    manager: EntityManager,
    leg: LegEntity,
    script: readonly IvrStep[],
    step: number,
    now: Date,
    minDelayMs = 0,
  ): Promise<void> {
    const current = script[step];
    if (!current) {
      await this.transitions.move(
        manager,
        leg.orgId,
        leg.id,
        'holding',
        { source: 'engine', kind: 'ivr-done' },
        {
          expectFrom: ['ivr'],
        },
      );
      return;
    }
    const delay = Math.max(minDelayMs, stepDelayMs(current, this.random));
    const payload: IvrStepPayload = { orgId: leg.orgId, legId: leg.id, step };
    await this.scheduler.schedule(IVR_STEP_JOB, new Date(now.getTime() + delay), payload, {
      key: ivrStepKey(leg.id, step),
      manager,
    });
  }

  /**
   * A step's timer fired: digits are pressed, a wait is over, an expectation timed out (the script
   * goes on). Returns the digits to send when this run took the step.
   */
  async stepDue({ orgId, legId, step }: IvrStepPayload): Promise<void> {
    const taken = await this.dataSource.transaction(async (manager) => {
      const leg = await this.legs.get(manager, orgId, legId);
      if (leg?.status !== 'ivr' || leg.ivrStep !== step) return null;
      const hunt = await this.hunts.get(manager, orgId, leg.huntId);
      const current = hunt?.ivrScript[step];
      // A won (or ended) hunt presses nothing more, whatever timer is left.
      if (hunt?.status !== 'running' || !current) return null;
      if (!(await this.legs.advanceIvrStep(manager, orgId, legId, step))) return null;
      const kind =
        current.action === 'digits' ? 'ivr-digits' : current.action === 'wait' ? 'ivr-waited' : 'ivr-expect-timeout';
      await this.legs.recordEvent(manager, {
        orgId,
        huntId: leg.huntId,
        legId,
        callId: leg.callId,
        source: 'engine',
        kind,
        detail: { step, ...current },
      });
      const minDelay = current.action === 'digits' ? AFTER_DIGITS_MIN_MS : 0;
      await this.becomeCurrent(manager, leg, hunt.ivrScript, step + 1, this.clock.now(), minDelay);
      return { leg, step: current };
    });
    if (taken?.step.action !== 'digits' || !taken.leg.callId) return;
    const call = await this.calls.byId(this.dataSource.manager, taken.leg.callId);
    if (!call?.providerCallId) return;
    await this.control.updateInstructions(
      call,
      digitsTwiml(taken.step.digits, {
        pauseSec: this.config.CALL_KEEP_OPEN_PAUSE_SEC,
        resumeUrl: this.control.flowUrl(call, { resume: '1' }),
      }),
    );
    this.metrics.digitsSent.inc();
    this.logger.log({ msg: 'ivr digits sent', legId, step });
  }

  /** media-stream heard `kind` on our call: the leg's current `expect` step of that kind is met. */
  async heard(callId: string, kind: string, atMs: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const leg = await this.legs.ofCall(manager, callId);
      if (leg?.status !== 'ivr') return;
      const hunt = await this.hunts.get(manager, leg.orgId, leg.huntId);
      const current = hunt?.ivrScript[leg.ivrStep];
      if (hunt?.status !== 'running' || current?.action !== 'expect' || current.kind !== kind) return;
      if (!(await this.legs.advanceIvrStep(manager, leg.orgId, leg.id, leg.ivrStep))) return;
      await this.scheduler.cancel(ivrStepKey(leg.id, leg.ivrStep), manager);
      await this.legs.recordEvent(manager, {
        orgId: leg.orgId,
        huntId: leg.huntId,
        legId: leg.id,
        callId,
        source: 'media',
        kind: 'ivr-expect-met',
        detail: { step: leg.ivrStep, kind, atMs },
      });
      await this.becomeCurrent(manager, leg, hunt.ivrScript, leg.ivrStep + 1, this.clock.now());
    });
  }
}
