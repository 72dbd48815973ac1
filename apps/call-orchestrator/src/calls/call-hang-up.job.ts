import { type JobContext, JobHandler, type JobOutcome, JobScheduler } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CallControl } from './call-control.service';
import { CallsRepository } from './calls.repository';

export const HANG_UP_CALL_JOB = 'orchestrator.hang-up-call';
/** How soon a hang-up looks again at a call whose dial request is still out. */
const DIAL_IN_FLIGHT_RECHECK_MS = 250;

const hangUpKey = (callId: string) => `hang-up:${callId}`;

interface HangUpPayload {
  callId: string;
}

/**
 * Hang-ups as durable jobs, scheduled in the transaction that decided them (a cancel, a lost race, a
 * voicemail): they happen even if this process dies right after the commit, on whichever replica
 * is free, and at once (the scheduler wakes every runner on commit).
 */
@Injectable()
export class CallHangUps {
  constructor(
    private readonly scheduler: JobScheduler,
    private readonly calls: CallsRepository,
    private readonly control: CallControl,
    private readonly dataSource: DataSource,
  ) {}

  /** Hangs up the call after the caller's transaction commits (once, whatever asks again). */
  async schedule(manager: EntityManager, callId: string, at: Date): Promise<void> {
    await this.scheduler.schedule(HANG_UP_CALL_JOB, at, { callId }, { key: hangUpKey(callId), manager });
  }

  /** `schedule` for many calls at once (one statement: a hunt's losers). */
  async scheduleMany(manager: EntityManager, callIds: readonly string[], at: Date): Promise<void> {
    await this.scheduler.scheduleMany(
      HANG_UP_CALL_JOB,
      at,
      callIds.map((callId) => ({ key: hangUpKey(callId), payload: { callId } })),
      { manager },
    );
  }

  // Not transactional: the provider request is the work, and hanging up twice is harmless.
  @JobHandler(HANG_UP_CALL_JOB, {
    transactional: false,
    maxAttempts: 8,
    backoff: { baseDelayMs: 250, maxDelayMs: 10_000 },
  })
  async hangUp({ callId }: HangUpPayload, context: JobContext): Promise<JobOutcome | undefined> {
    const call = await this.calls.byId(this.dataSource.manager, callId);
    if (!call) return undefined;
    // The dial is still out (no provider id yet): look again shortly; a failed dial ends it (status failed).
    if (!call.providerCallId && call.status === 'queued') {
      return { runAgainAt: new Date(context.now.getTime() + DIAL_IN_FLIGHT_RECHECK_MS) };
    }
    await this.control.hangUp(call);
    return undefined;
  }
}
