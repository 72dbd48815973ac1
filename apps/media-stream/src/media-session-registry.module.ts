import { Global, Module } from '@nestjs/common';
import { MediaSessionRegistry } from './media-sessions/media-session.registry';

/**
 * The one MediaSessionRegistry of the process, for the door that fills it and the features that
 * listen to it (detection, listen, playback). Global so every feature module injects the same one.
 */
@Global()
@Module({ providers: [MediaSessionRegistry], exports: [MediaSessionRegistry] })
export class MediaSessionRegistryModule {}
