import { JobsModule, OutboxModule, PersistenceModule } from '@callfleet/persistence';
import { Module } from '@nestjs/common';
import { callOrchestratorSchema } from './call-orchestrator.schema';
import { CallsModule } from './calls/calls.module';
import { DestinationsModule } from './destinations/destinations.module';
import { HuntEventsModule } from './hunts/hunt-events.module';
import { LegsModule } from './legs/legs.module';
import { LineLeasesModule } from './lines/line-leases.module';
import { TargetsModule } from './targets/targets.module';

/** Places and controls calls and hunts; owns calls, legs, hunts, lines, destinations, targets and durable timers. */
@Module({
  imports: [
    PersistenceModule.forSchema(callOrchestratorSchema),
    JobsModule.forRoot(),
    OutboxModule.forRoot(),
    CallsModule,
    LegsModule,
    LineLeasesModule,
    HuntEventsModule,
    DestinationsModule,
    TargetsModule,
  ],
})
export class CallOrchestratorModule {}
