import { PersistenceModule } from '@callfleet/persistence';
import { Module } from '@nestjs/common';

/** Places and controls calls and hunts; owns calls, legs, hunts, lines and durable timers. Features arrive with later issues; the service already boots, answers discovery, health and metrics. */
@Module({ imports: [PersistenceModule.forSchema({ schema: 'orchestrator', entities: [], migrations: [] })] })
export class CallOrchestratorModule {}
