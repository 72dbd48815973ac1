import { DEFAULT_HTTP_PORTS, StreamTokenCommands } from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { CallOrchestratorConfig } from './call-orchestrator.config';
import { CallOrchestratorModule } from './call-orchestrator.module';
import { callOrchestratorSchema } from './call-orchestrator.schema';

export const callOrchestratorService: ServiceDefinition<CallOrchestratorConfig> = {
  name: 'call-orchestrator',
  description: 'Places and controls calls and hunts; owns calls, legs, hunts, lines and durable timers.',
  port: DEFAULT_HTTP_PORTS['call-orchestrator'],
  module: CallOrchestratorModule,
  config: CallOrchestratorConfig,
  schema: callOrchestratorSchema,
  nats: {
    // A stream token per call it streams into media-stream (put into the TwiML / the stream URL).
    calls: [StreamTokenCommands.Issue],
  },
};
