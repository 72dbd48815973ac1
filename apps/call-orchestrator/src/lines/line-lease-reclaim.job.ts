import { type JobContext, JobHandler, JobScheduler } from '@callfleet/persistence';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CallOrchestratorConfig } from '../call-orchestrator.config';
import { LineLeases } from './line-leases.repository';

export const RECLAIM_LINE_LEASES_JOB = 'orchestrator.reclaim-line-leases';

/** Gives back every line whose lease ran out (a hunt that vanished, a crash mid-release): no line stays taken. */
@Injectable()
export class LineLeaseReclaimJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('LineLeaseReclaim');

  constructor(
    private readonly leases: LineLeases,
    private readonly scheduler: JobScheduler,
    private readonly config: CallOrchestratorConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.scheduler.recur(RECLAIM_LINE_LEASES_JOB, { everyMs: this.config.LINE_LEASE_RECLAIM_EVERY_MS });
  }

  @JobHandler(RECLAIM_LINE_LEASES_JOB)
  async reclaim(_payload: object, context: JobContext): Promise<undefined> {
    const reclaimed = await this.leases.reclaimExpired(context.manager, context.now);
    if (reclaimed > 0) this.logger.warn({ msg: 'expired line leases reclaimed', reclaimed });
    return undefined;
  }
}
