import { Module } from '@nestjs/common';
import { PlaybackService } from './playback.service';

/** Audio sent on `media.v1.play.<callId>` played into bidirectional streams this replica holds. */
@Module({ providers: [PlaybackService] })
export class PlaybackModule {}
