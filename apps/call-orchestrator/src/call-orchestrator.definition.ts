import { DEFAULT_HTTP_PORTS, MediaCommands, MediaSubjects } from '@callfleet/contracts';
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
  // The hunt's ears (issue 8): what media-stream hears on each leg, its audio on request, and audio back into the call.
  nats: {
    calls: [MediaCommands.Listen],
    core: {
      publishes: [MediaSubjects.PLAY_ALL],
      subscribes: [MediaSubjects.SIGNALS_ALL, MediaSubjects.AUDIO_ALL],
    },
  },
};
