import { Global, Module } from '@nestjs/common';
import { DIAL_OUTCOME_HANDLER } from '../call-flow/dial-outcome';
import { CallsModule } from '../calls/calls.module';
import { HuntEventsModule } from '../hunts/hunt-events.module';
import { HuntsModule } from '../hunts/hunts.module';
import { LegsModule } from '../legs/legs.module';
import { LineLeasesModule } from '../lines/line-leases.module';
import { HandoffJobs } from './handoff.jobs';
import { HandoffMetrics } from './handoff.metrics';
import { Handoff } from './handoff.service';
import { TransfersRepository } from './transfers.repository';

/**
 * The hand-off of a hunt's winner: the transfer job, the `<Dial action>` outcomes and the winner
 * hanging up mid hand-off. Global so the flow's optional DIAL_OUTCOME_HANDLER seam finds it without
 * call-flow depending on the hand-off.
 */
@Global()
@Module({
  imports: [CallsModule, LegsModule, LineLeasesModule, HuntEventsModule, HuntsModule],
  providers: [
    Handoff,
    HandoffJobs,
    TransfersRepository,
    HandoffMetrics,
    { provide: DIAL_OUTCOME_HANDLER, useExisting: Handoff },
  ],
  exports: [Handoff, DIAL_OUTCOME_HANDLER],
})
export class HandoffModule {}
