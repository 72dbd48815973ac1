import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  ValidateNested,
} from 'class-validator';
import { EventEnvelopeFields, Nullable } from '../events/event-envelope';
import { defineEvent } from '../nats/event-descriptor';
import { Streams } from '../nats/streams';
import { TELEPHONY_PROVIDERS, type TelephonyProvider } from '../telephony/telephony-provider';

/** Subjects of recording-pipeline's events (stream EVENTS), published through its outbox. */
export const RecordingEvents = {
  STORED: 'events.recordings.v1.stored',
  FAILED: 'events.recordings.v1.failed',
  DELETED: 'events.recordings.v1.deleted',
} as const;

/** Why a recording was deleted. */
export const RECORDING_DELETE_REASONS = ['user', 'retention'] as const;

class RecordingEventFields {
  @IsUUID()
  recordingId: string;

  @IsIn(TELEPHONY_PROVIDERS)
  provider: TelephonyProvider;

  @IsString()
  @Length(1, 200)
  providerRecordingId: string;

  @IsString()
  @Length(1, 200)
  providerCallId: string;
}

/** A recording is in our store with the checksum it claims. */
export class RecordingStoredData extends RecordingEventFields {
  @IsInt()
  @Min(0)
  bytes: number;

  @IsString()
  @Length(64, 64)
  sha256: string;

  @IsString()
  @Length(1, 100)
  contentType: string;

  @IsOptional()
  @IsNumber()
  @Min(0)
  durationSec?: number;
}

/** A recording could not be copied after its last attempt. */
export class RecordingFailedData extends RecordingEventFields {
  @IsString()
  @Length(1, 100)
  reason: string;

  @IsInt()
  @Min(1)
  attempts: number;
}

/** The audit trail of a deletion: who (a user, or retention) removed the object and its row. */
export class RecordingDeletedData extends RecordingEventFields {
  @IsIn(RECORDING_DELETE_REASONS)
  reason: (typeof RECORDING_DELETE_REASONS)[number];

  @Nullable()
  @IsUUID()
  deletedBy: string | null;
}

export class RecordingStoredEvent extends EventEnvelopeFields {
  @IsObject()
  @ValidateNested()
  @Type(() => RecordingStoredData)
  data: RecordingStoredData;
}

export class RecordingFailedEvent extends EventEnvelopeFields {
  @IsObject()
  @ValidateNested()
  @Type(() => RecordingFailedData)
  data: RecordingFailedData;
}

export class RecordingDeletedEvent extends EventEnvelopeFields {
  @IsObject()
  @ValidateNested()
  @Type(() => RecordingDeletedData)
  data: RecordingDeletedData;
}

export const RecordingStored = defineEvent({
  stream: Streams.EVENTS.name,
  subject: RecordingEvents.STORED,
  payload: RecordingStoredEvent,
});
export const RecordingFailed = defineEvent({
  stream: Streams.EVENTS.name,
  subject: RecordingEvents.FAILED,
  payload: RecordingFailedEvent,
});
export const RecordingDeleted = defineEvent({
  stream: Streams.EVENTS.name,
  subject: RecordingEvents.DELETED,
  payload: RecordingDeletedEvent,
});
