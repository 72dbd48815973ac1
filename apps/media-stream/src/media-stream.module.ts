import { Module } from '@nestjs/common';
import { DetectionModule } from './detection/detection.module';
import { LineMemoryModule } from './line-memory/line-memory.module';
import { ListenModule } from './listen/listen.module';
import { MediaSessionRegistryModule } from './media-session-registry.module';
import { MediaSessionsModule } from './media-sessions/media-sessions.module';
import { PlaybackModule } from './playback/playback.module';

/**
 * Live call audio over WebSocket: decoding, speech/music/silence detection, audio frames on NATS.
 * The door (media-sessions) fills the registry; each feature learns of a stream from it.
 */
@Module({
  imports: [
    MediaSessionRegistryModule,
    MediaSessionsModule,
    LineMemoryModule,
    DetectionModule,
    ListenModule,
    PlaybackModule,
  ],
})
export class MediaStreamModule {}
