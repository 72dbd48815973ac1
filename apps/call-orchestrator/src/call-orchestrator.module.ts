import { PersistenceModule } from '@callfleet/persistence';
import { Module } from '@nestjs/common';
import { callOrchestratorSchema } from './call-orchestrator.schema';
import { LinesModule } from './lines/lines.module';

/** Places and controls calls and hunts; owns calls, legs, hunts, lines and durable timers. Features arrive with later issues; the service already boots, answers discovery, health and metrics. */
@Module({ imports: [PersistenceModule.forSchema(callOrchestratorSchema), LinesModule] })
export class CallOrchestratorModule {}
