import {
  AuthCommands,
  DEFAULT_HTTP_PORTS,
  KvBuckets,
  MediaCommands,
  MediaEvents,
  MediaSubjects,
  Streams,
} from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { MediaStreamDoor } from './media-sessions/media-stream-door';
import { MediaStreamConfig } from './media-stream.config';
import { MediaStreamModule } from './media-stream.module';

export const mediaStreamService: ServiceDefinition<MediaStreamConfig> = {
  name: 'media-stream',
  description: 'Live call audio over WebSocket: decoding, speech/music/silence detection, audio frames on NATS.',
  port: DEFAULT_HTTP_PORTS['media-stream'],
  module: MediaStreamModule,
  config: MediaStreamConfig,
  // The live-human decision is durable (EVENTS); everything else about a call's audio is live, on core NATS.
  streams: [Streams.EVENTS],
  nats: {
    serves: [MediaCommands.Listen],
    // Stream tokens are verified locally against auth's published keys (fetched, and refetched for a new kid).
    calls: [AuthCommands.Jwks],
    publishes: [MediaEvents.LIVE_HUMAN_DETECTED],
    kv: [KvBuckets.MEDIA_LINE_MEMORY, KvBuckets.MEDIA_SESSIONS, KvBuckets.MEDIA_LISTENS],
    core: {
      publishes: [MediaSubjects.SIGNALS_ALL, MediaSubjects.AUDIO_ALL],
      // Every replica, no queue group: the one holding the call plays it.
      subscribes: [MediaSubjects.PLAY_ALL],
    },
  },
  http: {
    // The WebSocket door shares the HTTP port (and its Fastify instance) with /health and /metrics.
    configure: (app) => app.get(MediaStreamDoor).install(app.getHttpAdapter().getInstance()),
  },
  deployment: { public: true },
};
