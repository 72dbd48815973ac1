import type { ServiceDefinition } from '@callfleet/platform';
import { CallOrchestratorConfig } from './call-orchestrator.config';
import { CallOrchestratorModule } from './call-orchestrator.module';

export const callOrchestratorService: ServiceDefinition<CallOrchestratorConfig> = {
  name: 'call-orchestrator',
  description: 'Places and controls calls and hunts; owns calls, legs, hunts, lines and durable timers.',
  module: CallOrchestratorModule,
  config: CallOrchestratorConfig,
};
