import {
  CallCommands,
  DEFAULT_HTTP_PORTS,
  DestinationCommands,
  HuntCommands,
  HuntEventSubjects,
  LineCommands,
  LiveHumanDetected,
  MediaCommands,
  MediaSubjects,
  ProviderAccountCommands,
  Streams,
  StreamTokenCommands,
  TargetCommands,
  TelephonyIngress,
} from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { CallOrchestratorConfig } from './call-orchestrator.config';
import { CallOrchestratorModule } from './call-orchestrator.module';
import { callOrchestratorSchema } from './call-orchestrator.schema';
import { LIVE_HUMAN_CONSUMER } from './detection/live-human.consumer';
import { PROVIDER_EVENTS_CONSUMER } from './ingress/provider-events.consumer';

export const callOrchestratorService: ServiceDefinition<CallOrchestratorConfig> = {
  name: 'call-orchestrator',
  description: 'Places and controls calls and hunts; owns calls, legs, hunts, lines and durable timers.',
  port: DEFAULT_HTTP_PORTS['call-orchestrator'],
  module: CallOrchestratorModule,
  config: CallOrchestratorConfig,
  schema: callOrchestratorSchema,
  // Publishes its hunt events (outbox).
  streams: [Streams.EVENTS],
  nats: {
    serves: [
      ...Object.values(HuntCommands),
      CallCommands.Flow,
      ...Object.values(DestinationCommands),
      ...Object.values(TargetCommands),
      ...Object.values(LineCommands),
    ],
    publishes: Object.values(HuntEventSubjects),
    consumes: [
      // Provider call events (status, AMD) from webhook-ingest.
      { event: TelephonyIngress, durable: PROVIDER_EVENTS_CONSUMER },
      // media-stream's live-human decisions: a hunt's winner.
      { event: LiveHumanDetected, durable: LIVE_HUMAN_CONSUMER },
    ],
    calls: [
      // The org's provider account (credentials) for every dial, digit, transfer and hang-up, and line sync.
      ProviderAccountCommands.Credentials,
      // A stream token per call it streams into media-stream (put into the TwiML / the stream URL).
      StreamTokenCommands.Issue,
      // A leg's audio, when a hunt wants to hear it.
      MediaCommands.Listen,
    ],
    // The hunt's ears: what media-stream hears on each leg, its audio on request, and audio back into the call.
    core: {
      publishes: [MediaSubjects.PLAY_ALL],
      subscribes: [MediaSubjects.SIGNALS_ALL, MediaSubjects.AUDIO_ALL],
    },
  },
  deployment: {
    // Compose: providers (the simulator) reach webhook-ingest and media-stream by their service names.
    composeEnvironment: {
      WEBHOOKS_PUBLIC_BASE_URL: 'http://webhook-ingest:3001',
      MEDIA_STREAM_PUBLIC_URL: 'ws://media-stream:3002',
    },
  },
};
