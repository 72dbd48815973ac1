import { AuthCommands, DEFAULT_HTTP_PORTS } from '@callfleet/contracts';
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
  nats: {
    // Stream tokens are verified locally against auth's published keys (fetched, and refetched for a new kid).
    calls: [AuthCommands.Jwks],
  },
  http: {
    // The WebSocket door shares the HTTP port (and its Fastify instance) with /health and /metrics.
    configure: (app) => app.get(MediaStreamDoor).install(app.getHttpAdapter().getInstance()),
  },
  deployment: { public: true },
};
