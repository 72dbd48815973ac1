import { PersistenceModule } from '@callfleet/persistence';
import { CallerAuthenticationModule } from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { callOrchestratorSchema } from './call-orchestrator.schema';
import { LinesModule } from './lines/lines.module';

/** Places and controls calls and hunts; owns calls, legs, hunts, lines and durable timers. */
@Module({
  imports: [
    PersistenceModule.forSchema(callOrchestratorSchema),
    LinesModule,
    // Other teams list and sync lines over NATS with a credential (public commands).
    CallerAuthenticationModule,
  ],
})
export class CallOrchestratorModule {}
