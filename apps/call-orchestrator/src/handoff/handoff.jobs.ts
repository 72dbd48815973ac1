import { type JobContext, JobHandler } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import { HANDOFF_HUNG_UP_JOB, Handoff, TRANSFER_MAX_ATTEMPTS } from './handoff.service';
import { HUNT_TRANSFER_JOB, type HuntTransferPayload } from './hunt-transfer.job';
import type { HandoffKey } from './transfers.repository';

/** The hand-off's durable jobs (they survive restarts and run on any replica). */
@Injectable()
export class HandoffJobs {
  constructor(private readonly handoff: Handoff) {}

  // Not transactional: the claim commits before the call update leaves (never inside a transaction holding locks).
  @JobHandler(HUNT_TRANSFER_JOB, {
    transactional: false,
    maxAttempts: TRANSFER_MAX_ATTEMPTS,
    backoff: { baseDelayMs: 250, maxDelayMs: 5_000 },
  })
  async transfer(payload: HuntTransferPayload, context: JobContext): Promise<undefined> {
    await this.handoff.transfer(payload, context.attempt);
    return undefined;
  }

  // Transactional: the hunt's end and the job's completion commit together.
  @JobHandler(HANDOFF_HUNG_UP_JOB)
  async hungUp(key: HandoffKey, context: JobContext): Promise<undefined> {
    await this.handoff.hungUp(context.manager, key);
    return undefined;
  }
}
