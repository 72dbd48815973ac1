import { JobHandler, JobScheduler } from '@callfleet/persistence';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import { CallControl } from '../calls/call-control.service';
import { CallsRepository } from '../calls/calls.repository';
import { SingleCallMetrics } from './single-call.metrics';
import { SingleCallLifecycle } from './single-call-lifecycle.service';

export const DIAL_CALL_JOB = 'orchestrator.dial-call';

interface DialCallPayload {
  callId: string;
}

/**
 * Dials one single call: the job's key is the call, so however many replicas run, one dial. The row
 * was written by `calls.v1.create`; the dial is taken by one conditional update (`dial_sent_at`)
 * that commits before the request leaves, so a retried or repeated job never sends a second
 * request: an attempt that finds the dial taken without a provider call id fails the call instead
 * (a request that did go out asks the flow, finds the call over, and is hung up).
 */
@Injectable()
export class SingleCallDialJob {
  private readonly logger = new Logger('SingleCallDial');

  constructor(
    private readonly dataSource: DataSource,
    private readonly calls: CallsRepository,
    private readonly control: CallControl,
    private readonly lifecycle: SingleCallLifecycle,
    private readonly scheduler: JobScheduler,
    private readonly config: CallOrchestratorConfig,
    private readonly metrics: SingleCallMetrics,
  ) {}

  /** Dials the call once the caller's transaction commits. */
  async schedule(manager: EntityManager, callId: string, at: Date): Promise<void> {
    await this.scheduler.schedule(DIAL_CALL_JOB, at, { callId }, { key: `dial-call:${callId}`, manager });
  }

  // Not transactional: the dial is taken (committed) before the provider request, which the job never retries.
  @JobHandler(DIAL_CALL_JOB, { transactional: false, maxAttempts: 3 })
  async dial({ callId }: DialCallPayload): Promise<undefined> {
    const manager = this.dataSource.manager;
    const call = await this.calls.byId(manager, callId);
    if (call?.status !== 'queued') return this.outcome('skipped');
    // The account first: while nothing is taken, a failure here is retried by the job.
    await this.control.accountById(call.orgId, call.providerAccountId);
    if (!(await this.calls.takeDial(manager, callId))) {
      // An earlier attempt took the dial and may have sent the request: never a second one.
      if (!call.providerCallId) await this.fail(callId);
      return this.outcome('skipped');
    }
    let providerCallId: string;
    try {
      const placed = await this.control.dial(call, { timeLimitSec: this.config.SINGLE_CALL_MAX_DURATION_SEC });
      providerCallId = placed.callId;
    } catch (error) {
      this.logger.warn(`call ${callId}: dial failed (${String(error)})`);
      await this.fail(callId);
      return this.outcome('failed');
    }
    await this.calls.setProviderCallId(manager, callId, providerCallId);
    return this.outcome('placed');
  }

  private async fail(callId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const before = await this.calls.byId(tx, callId);
      if (before?.status !== 'queued') return;
      await this.calls.markDialFailed(tx, callId, 'dial-failed');
      const after = await this.calls.byId(tx, callId);
      if (after?.status === 'failed') await this.lifecycle.moved(tx, after, before.status);
    });
  }

  private outcome(outcome: 'placed' | 'failed' | 'skipped'): undefined {
    this.metrics.dials.inc({ outcome });
    return undefined;
  }
}
