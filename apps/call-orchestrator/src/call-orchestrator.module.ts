import { JobsModule, OutboxModule, PersistenceModule } from '@callfleet/persistence';
import { CallerAuthenticationModule } from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { CallFlowModule } from './call-flow/call-flow.module';
import { callOrchestratorSchema } from './call-orchestrator.schema';
import { CallsModule } from './calls/calls.module';
import { DestinationsModule } from './destinations/destinations.module';
import { DetectionModule } from './detection/detection.module';
import { HandoffModule } from './handoff/handoff.module';
import { HuntEventsModule } from './hunts/hunt-events.module';
import { HuntsModule } from './hunts/hunts.module';
import { IngressModule } from './ingress/ingress.module';
import { IvrModule } from './ivr/ivr.module';
import { LegsModule } from './legs/legs.module';
import { LineLeasesModule } from './lines/line-leases.module';
import { LinesModule } from './lines/lines.module';
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
    LinesModule,
    HuntsModule,
    IvrModule,
    HandoffModule,
    IngressModule,
    DetectionModule,
    CallFlowModule,
    // Other teams run hunts and manage destinations, targets and lines over NATS with a credential (public commands).
    CallerAuthenticationModule,
  ],
})
export class CallOrchestratorModule {}
