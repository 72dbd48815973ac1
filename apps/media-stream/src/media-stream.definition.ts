import { DEFAULT_HTTP_PORTS } from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { MediaStreamConfig } from './media-stream.config';
import { MediaStreamModule } from './media-stream.module';

export const mediaStreamService: ServiceDefinition<MediaStreamConfig> = {
  name: 'media-stream',
  description: 'Live call audio over WebSocket: decoding, speech/music/silence detection, audio frames on NATS.',
  port: DEFAULT_HTTP_PORTS['media-stream'],
  module: MediaStreamModule,
  config: MediaStreamConfig,
  // Connects only for health and discovery (its own inbox and $SRV); nothing of its own on NATS yet.
  nats: {},
  deployment: { public: true },
};
