import {
  DEFAULT_HTTP_PORTS,
  KvBuckets,
  MediaCommands,
  MediaEvents,
  MediaSubjects,
  Streams,
} from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
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
    publishes: [MediaEvents.LIVE_HUMAN_DETECTED],
    kv: [KvBuckets.MEDIA_LINE_MEMORY, KvBuckets.MEDIA_SESSIONS, KvBuckets.MEDIA_LISTENS],
    core: {
      publishes: [MediaSubjects.SIGNALS_ALL, MediaSubjects.AUDIO_ALL],
      // Every replica, no queue group: the one holding the call plays it.
      subscribes: [MediaSubjects.PLAY_ALL],
    },
  },
  deployment: { public: true },
};
