import { StreamTokenVerifierModule } from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { MediaStreamDoor } from './media-stream-door';
import { MediaStreamMetrics } from './media-stream-metrics';

/** The WebSocket door: providers' Media Streams in, one MediaSession per verified stream in the registry. */
@Module({
  imports: [StreamTokenVerifierModule],
  providers: [MediaStreamMetrics, MediaStreamDoor],
  exports: [MediaStreamDoor],
})
export class MediaSessionsModule {}
