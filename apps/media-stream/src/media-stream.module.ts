import { Module } from '@nestjs/common';
import { MediaSessionRegistryModule } from './media-session-registry.module';
import { MediaSessionsModule } from './media-sessions/media-sessions.module';

/**
 * Live call audio over WebSocket: decoding, speech/music/silence detection, audio frames on NATS.
 * The door (media-sessions) fills the registry; each feature learns of a stream from it.
 */
@Module({ imports: [MediaSessionRegistryModule, MediaSessionsModule] })
export class MediaStreamModule {}
