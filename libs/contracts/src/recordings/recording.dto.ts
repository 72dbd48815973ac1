import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { TELEPHONY_PROVIDERS, type TelephonyProvider } from '../telephony/telephony-provider';

/** Where a recording is in its copy from the provider into our store. */
export const RECORDING_STATES = ['pending', 'downloading', 'stored', 'failed'] as const;
export type RecordingState = (typeof RECORDING_STATES)[number];

/** The largest page `recordings.v1.list` returns. */
export const RECORDINGS_MAX_PAGE = 1000;
/** The longest a recording's download URL lives (presigned S3, or a signed link). */
export const RECORDING_URL_MAX_TTL_SECONDS = 900;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One recording of the caller's organization. */
export class RecordingDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: RECORDING_STATES }) state: RecordingState;
  @ApiProperty({ enum: TELEPHONY_PROVIDERS }) provider: TelephonyProvider;
  @ApiProperty({ description: 'Our key of the provider account that made the recording' }) accountKey: string;
  @ApiProperty({ description: "The provider's recording id" }) providerRecordingId: string;
  @ApiProperty({ description: "The provider's call id" }) providerCallId: string;
  @ApiProperty({ nullable: true, type: String, description: 'Our call id, when the call is known' })
  callId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The hunt the call belonged to' })
  huntId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'audio/x-wav' }) contentType: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Size of the stored object' }) bytes: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the stored object (hex)' })
  sha256: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Duration read from the file' })
  durationSec: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Duration the provider announced' })
  providerDurationSec: number | null;
  @ApiProperty({ description: 'Download attempts so far' }) attempts: number;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last attempt failed (`truncated`, ...)' })
  lastError: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) storedAt: string | null;
}

export class RecordingListDto {
  @ApiProperty({ type: [RecordingDto] }) items: RecordingDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}

/** `GET /recordings?callId=&huntId=&from=&to=&cursor=&limit=`: newest first. */
export class ListRecordingsDto {
  @ApiPropertyOptional({ description: "The provider's call id, or ours" })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  callId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  huntId?: string;

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor is not one this API gave out' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: RECORDINGS_MAX_PAGE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(RECORDINGS_MAX_PAGE)
  limit?: number;
}

/** `GET /recordings/:id/url?ttlSeconds=`: the query. */
export class RecordingUrlQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: RECORDING_URL_MAX_TTL_SECONDS, default: 300 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(RECORDING_URL_MAX_TTL_SECONDS)
  ttlSeconds?: number;
}

/** `recordings.v1.url`: the recording and how long its URL lives. */
export class RecordingUrlRequestDto extends RecordingUrlQueryDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(UUID, { message: 'id must be a UUID' })
  id: string;
}

export class RecordingUrlDto {
  @ApiProperty({ description: 'A GET URL of the audio, valid until expiresAt' }) url: string;
  @ApiProperty() expiresAt: string;
}

/**
 * Where the gateway streams a recording's content from (fleet only): the pipeline's own HTTP port,
 * with a signed short-lived token, so audio never travels through NATS request/reply.
 */
export class RecordingContentLinkDto {
  @ApiProperty() url: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty() contentType: string;
  @ApiProperty() bytes: number;
}

/** Where the gateway serves the local store's signed object URLs, under its public base URL (no bearer). */
export const RECORDING_OBJECT_URL_PATH = '/api/v1/recordings/objects';

/** The query of a local store's signed object URL: its expiry (unix seconds) and HMAC-SHA256 (base64url). */
export class RecordingObjectQueryDto {
  @ApiProperty({ description: 'Unix seconds after which the URL is refused', example: 1767225600 })
  @Type(() => Number)
  @IsInt({ message: 'expires must be unix seconds' })
  @Min(0)
  @Max(2 ** 40)
  expires: number;

  @ApiProperty({ description: 'The URL’s signature (base64url HMAC-SHA256)' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'signature must be a base64url HMAC-SHA256' })
  signature: string;
}

/**
 * `recordings.v1.object-link` (fleet only): the object a signed URL names, for the gateway to stream.
 * The signature is the credential (as with an S3 presigned URL): no caller identity is involved.
 */
export class RecordingObjectLinkRequestDto extends RecordingObjectQueryDto {
  @ApiProperty({ description: 'The object key, as in the URL path', example: 'org/…/2026/01/01/…/….wav' })
  @IsString()
  @MaxLength(1024)
  @Matches(/^[\w-][\w.-]{0,127}(\/[\w-][\w.-]{0,127})*$/, { message: 'key must be an object key' })
  key: string;
}
