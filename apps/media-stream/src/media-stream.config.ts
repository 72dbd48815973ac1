import { BaseServiceConfig } from '@callfleet/platform';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class MediaStreamConfig extends BaseServiceConfig {
  // The WebSocket door (/media/twilio, /media/exotel): its limits, documented in the README.

  /** Largest WebSocket message accepted; a bigger one closes the stream with 1009. Twilio's are ~250 bytes, Exotel's a few KB. */
  @Type(() => Number)
  @IsInt()
  @Min(4 * 1024)
  @Max(1024 * 1024)
  MEDIA_MAX_MESSAGE_BYTES = 64 * 1024;

  /** Streams this replica holds at once (sockets, verified or not); more are closed with 1013. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  MEDIA_MAX_STREAMS = 2000;

  /** Verified streams of one organization on this replica; more are closed with 1013. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  MEDIA_MAX_STREAMS_PER_ORG = 500;

  /** A stream that sends nothing for this long is closed with 4000 (a provider sends media every 20–100 ms). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  MEDIA_IDLE_TIMEOUT_MS = 15_000;

  /** A socket whose `start` (with its stream token) has not arrived this long after connecting is closed with 1008. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  MEDIA_START_TIMEOUT_MS = 5_000;

  /**
   * 20 ms frames a stream may have waiting for its listeners (the detector) before the oldest are
   * dropped (counted): 250 is 5 s of audio, a few KB of memory per frame.
   */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(15_000)
  MEDIA_STREAM_QUEUE_FRAMES = 250;

  /** Frames a stream may send that we cannot use (bad JSON, base64, sizes, unknown events) before it is closed with 1007. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MEDIA_MAX_BAD_FRAMES = 100;

  /** Audio queued for playing into one bidirectional call; beyond it the oldest queued audio is dropped (counted). */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  MEDIA_PLAY_QUEUE_MAX_MS = 60_000;
}
