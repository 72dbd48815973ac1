import { PersistenceModule } from '@callfleet/persistence';
import { CallerAuthenticationModule } from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { callOrchestratorSchema } from './call-orchestrator.schema';
import { DestinationsModule } from './destinations/destinations.module';
import { LinesModule } from './lines/lines.module';
import { TargetsModule } from './targets/targets.module';

/** Places and controls calls and hunts; owns calls, legs, hunts, lines, destinations, targets and durable timers. */
@Module({
  imports: [
    PersistenceModule.forSchema(callOrchestratorSchema),
    DestinationsModule,
    TargetsModule,
    LinesModule,
    // Other teams manage destinations, targets and lines over NATS with a credential (public commands).
    CallerAuthenticationModule,
  ],
})
export class CallOrchestratorModule {}
