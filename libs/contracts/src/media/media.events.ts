import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { EventEnvelopeFields } from '../events/event-envelope';
import { defineEvent } from '../nats/event-descriptor';
import { Streams } from '../nats/streams';
import { MEDIA_CALL_ID_PATTERN } from './media.subjects';
import { MEDIA_STREAM_PROVIDERS, type MediaStreamProvider } from './stream-token';

export const MediaEvents = {
  LIVE_HUMAN_DETECTED: 'events.media.v1.live-human-detected',
} as const;

/** The live-human decision, durable (JetStream EVENTS; `Nats-Msg-Id` = `id`, one per call). */
export class LiveHumanDetectedData {
  @IsString()
  @Matches(MEDIA_CALL_ID_PATTERN)
  callId: string;

  @IsIn(MEDIA_STREAM_PROVIDERS)
  provider: MediaStreamProvider;

  /** The provider's call id (Twilio CallSid, Exotel call_sid). */
  @IsString()
  @Length(1, 200)
  providerCallId: string;

  @IsString()
  @Length(1, 200)
  streamId: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  line?: string;

  /** Audio ms from stream start. */
  @IsInt()
  @Min(0)
  atMs: number;

  @IsNumber()
  @Min(0)
  @Max(1)
  confidence: number;

  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  evidence: string[];
}

export class LiveHumanDetectedEvent extends EventEnvelopeFields {
  @IsObject()
  @ValidateNested()
  @Type(() => LiveHumanDetectedData)
  data: LiveHumanDetectedData;
}

export const LiveHumanDetected = defineEvent({
  stream: Streams.EVENTS.name,
  subject: MediaEvents.LIVE_HUMAN_DETECTED,
  payload: LiveHumanDetectedEvent,
});
