import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PHONE_NUMBER_PATTERN } from '../hunts/destination.dto';
import { IVR_DIGITS_PATTERN } from '../hunts/hunt-model';
import { CALL_STATUSES } from './normalized-telephony-event';
import { TELEPHONY_PROVIDERS, type TelephonyProvider } from './telephony-provider';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;

/** A call's life as the API shows it: `queued` (our row, the dial not yet taken) then the provider's statuses. */
export const CALL_RECORD_STATUSES = ['queued', ...CALL_STATUSES] as const;
export type CallRecordStatus = (typeof CALL_RECORD_STATUSES)[number];

/** The largest page of `calls.v1.list`. */
export const CALLS_MAX_PAGE = 200;

/** How the call's audio goes to media-stream: a listen-only fork, or a bidirectional stream (audio played back). */
export class CallStreamDto {
  @ApiProperty({
    description:
      'true: Twilio `<Connect><Stream>` (audio can be played back with `media.v1.play.<callId>`); false: a listen-only `<Start><Stream>` fork',
  })
  @IsBoolean()
  bidirectional: boolean;
}

/**
 * `POST /calls` / `calls.v1.create`: one outbound call outside a hunt. The line it goes out from is a
 * named one (`lineId`), else a free line of `providerAccountId`, else a free line of the account with
 * the most free lines; it stays leased to the call until the call ends.
 */
export class CreateCallDto {
  @ApiProperty({ example: '+15550100002', description: 'The number called (E.164)' })
  @IsString()
  @Matches(PHONE_NUMBER_PATTERN, { message: 'to must be an E.164 phone number (+ and 7 to 15 digits)' })
  to: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The line (an enabled, free line of the org) the call goes out from',
  })
  @IsOptional()
  @Matches(UUID, { message: 'lineId must be a UUID' })
  lineId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A free line of this provider account (when no lineId is given)',
  })
  @IsOptional()
  @Matches(UUID, { message: 'providerAccountId must be a UUID' })
  providerAccountId?: string;

  @ApiPropertyOptional({ default: false, description: 'Record the call (the recording pipeline stores it)' })
  @IsOptional()
  @IsBoolean()
  record?: boolean;

  @ApiPropertyOptional({ type: CallStreamDto, description: "Stream the call's audio to media-stream" })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CallStreamDto)
  stream?: CallStreamDto;
}

/** `POST /calls/:id/digits`: DTMF to the far end. */
export class CallDigitsBodyDto {
  @ApiProperty({ example: '1w#', description: 'Only 0-9, *, # and w (a half-second wait); 1 to 64 of them' })
  @IsString()
  @Matches(IVR_DIGITS_PATTERN, { message: 'digits may only hold 0-9, *, # and w (1 to 64)' })
  digits: string;
}

/** `calls.v1.digits`. */
export class CallDigitsDto extends CallDigitsBodyDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(UUID, { message: 'id must be a UUID' })
  id: string;
}

/** One provider call: a single call, or (with `huntId`) a hunt's leg. */
export class CallDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CALL_RECORD_STATUSES }) status: CallRecordStatus;
  @ApiProperty({ example: '+15550100002' }) to: string;
  @ApiProperty({ description: "The line's number the call goes out from" }) from: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) lineId: string | null;
  @ApiProperty({ enum: TELEPHONY_PROVIDERS }) provider: TelephonyProvider;
  @ApiProperty({ format: 'uuid' }) providerAccountId: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The provider's call id once placed (recordings.v1.list takes it as callId)",
  })
  providerCallId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'Set for a hunt leg’s call' })
  huntId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) legId: string | null;
  @ApiProperty() record: boolean;
  @ApiProperty({ type: CallStreamDto, nullable: true }) stream: CallStreamDto | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'When the provider took the call' })
  startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) answeredAt: string | null;
  @ApiProperty({ nullable: true, type: String }) endedAt: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Seconds from answer to end (ended, answered calls)' })
  durationSec: number | null;
  @ApiProperty({ nullable: true, type: String, description: '`hung-up`, `dial-failed`, or the final status' })
  endReason: string | null;
}

export class CallListDto {
  @ApiProperty({ type: [CallDto] }) items: CallDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}

/** `GET /calls?status=&single=&cursor=&limit=`: newest first. */
export class ListCallsDto {
  @ApiPropertyOptional({ enum: CALL_RECORD_STATUSES })
  @IsOptional()
  @IsIn(CALL_RECORD_STATUSES)
  status?: CallRecordStatus;

  @ApiPropertyOptional({ enum: ['single', 'hunt'], description: 'Only single calls, or only hunt legs’ calls' })
  @IsOptional()
  @IsIn(['single', 'hunt'])
  kind?: 'single' | 'hunt';

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(CURSOR, { message: 'cursor is not one this API gave out' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: CALLS_MAX_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(CALLS_MAX_PAGE)
  limit?: number;
}
