import { type JobContext, JobHandler } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import { HUNT_DEADLINE_JOB, HuntEnding } from './hunt-ending.service';

interface DeadlinePayload {
  orgId: string;
  huntId: string;
}

/** The hunt's time budget ran out: if nobody was reached, it is exhausted (every call hung up, every line given back). */
@Injectable()
export class HuntDeadlineJob {
  constructor(private readonly ending: HuntEnding) {}

  // Transactional: the hunt's end and the job's completion commit together.
  @JobHandler(HUNT_DEADLINE_JOB)
  async expire({ orgId, huntId }: DeadlinePayload, context: JobContext): Promise<undefined> {
    await this.ending.end(context.manager, orgId, huntId, { status: 'exhausted' });
    return undefined;
  }
}
