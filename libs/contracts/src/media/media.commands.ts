import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { defineCommand } from '../nats/command-descriptor';
import { MEDIA_CALL_ID_PATTERN } from './media.subjects';

/** Longest a single `media.v1.listen` keeps `media.v1.audio.<callId>` flowing; ask again to extend. */
export const MEDIA_LISTEN_MAX_SECONDS = 3600;

export class ListenToCallDto {
  @IsString()
  @Matches(MEDIA_CALL_ID_PATTERN)
  callId: string;

  @IsInt()
  @Min(1)
  @Max(MEDIA_LISTEN_MAX_SECONDS)
  durationSeconds: number;
}

export class ListeningDto {
  callId: string;
  /** ISO 8601: audio stops flowing then unless someone asks again. */
  listeningUntil: string;
}

/**
 * media-stream's commands (queue group `media-stream`). A call's stream lives on one replica; the
 * replicas share which calls they hold, so any replica answers and a call no replica holds is 404.
 */
export const MediaCommands = {
  Listen: defineCommand({ subject: 'media.v1.listen', request: ListenToCallDto, response: ListeningDto }),
} as const;
