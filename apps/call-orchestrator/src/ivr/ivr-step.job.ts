import { JobHandler } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import { IVR_STEP_JOB, IvrRunner, type IvrStepPayload } from './ivr-runner.service';

/** The IVR steps' timers (durable: they survive restarts and run on any replica). */
@Injectable()
export class IvrStepJob {
  constructor(private readonly runner: IvrRunner) {}

  // Not transactional: the step's own transaction commits before its digits leave (never sent twice).
  @JobHandler(IVR_STEP_JOB, { transactional: false, maxAttempts: 3 })
  async due(payload: IvrStepPayload): Promise<undefined> {
    await this.runner.stepDue(payload);
    return undefined;
  }
}
