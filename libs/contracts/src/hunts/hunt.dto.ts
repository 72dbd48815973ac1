import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PHONE_NUMBER_PATTERN } from './destination.dto';
import { DETECTION_DECIDERS, type DetectionDecider } from './hunt.events';
import {
  HUNT_STATUSES,
  type HuntStatus,
  type IvrStep,
  LEG_END_REASONS,
  LEG_EVENT_SOURCES,
  LEG_STATUSES,
  type LegEndReason,
  type LegEventSource,
  type LegStatus,
} from './hunt-model';
import { IvrScriptProperty } from './ivr-script.dto';

/** The most lines one hunt may use at once. */
export const HUNT_MAX_LINES = 70;
export const HUNT_DEFAULT_LINES = 6;
export const HUNT_DEFAULT_STAGGER_MS = 1000;
export const HUNT_DEFAULT_MAX_DURATION_MINUTES = 120;
/** The largest page of `hunts.v1.list` / `hunts.v1.leg-events`. */
export const HUNTS_MAX_PAGE = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;
const POOL = /^[A-Za-z0-9_.-]{1,64}$/;

/** How often a line is redialed after busy, no-answer, failed, too-busy or voicemail, and how long it waits. */
export class HuntRedialDto {
  @ApiProperty({ minimum: 1, maximum: 100, example: 5, description: 'Attempts per line, the first one included' })
  @IsInt()
  @Min(1)
  @Max(100)
  maxAttemptsPerLine: number;

  @ApiProperty({ minimum: 0, maximum: 3_600_000, example: 30_000, description: 'Wait before a redial (ms)' })
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  backoffMs: number;
}

/** The confidence a detection needs (media-stream's, or AMD's fixed one) when a hunt names none. */
export const HUNT_DEFAULT_MIN_CONFIDENCE = 0.8;

/**
 * How a detection becomes a decision: `auto` hands the leg off, `confirm` alerts and waits for a
 * person's confirmation. Both fields are optional (`auto`, 0.8).
 */
export class HuntDetectionDto {
  @ApiPropertyOptional({ enum: ['auto', 'confirm'], default: 'auto' })
  @IsOptional()
  @IsIn(['auto', 'confirm'])
  mode?: 'auto' | 'confirm';

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0.8, default: HUNT_DEFAULT_MIN_CONFIDENCE })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  minConfidence?: number;
}

export const HUNT_DEFAULT_REDIAL: HuntRedialDto = { maxAttemptsPerLine: 5, backoffMs: 30_000 };
export const HUNT_DEFAULT_DETECTION: HuntDetectionSettingsDto = {
  mode: 'auto',
  minConfidence: HUNT_DEFAULT_MIN_CONFIDENCE,
};

/**
 * `POST /hunts` / `hunts.v1.create`: a target (`targetId`) or a number (`phoneNumber`), and which
 * lines: a count (`lines`), named ones (`lineIds`) or a pool (`pool`, with `lines` as the count).
 */
export class CreateHuntDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The target hunted (its number and IVR script)' })
  @ValidateIf((dto: CreateHuntDto) => dto.targetId !== undefined || dto.phoneNumber === undefined)
  @Matches(UUID, { message: 'targetId must be a UUID (or give phoneNumber)' })
  targetId?: string;

  @ApiPropertyOptional({ example: '+15550100001', description: 'The number hunted, when no target is named' })
  @ValidateIf((dto: CreateHuntDto) => dto.phoneNumber !== undefined || dto.targetId === undefined)
  @IsString()
  @Matches(PHONE_NUMBER_PATTERN, { message: 'phoneNumber must be a phone number (E.164, or give targetId)' })
  phoneNumber?: string;

  @ApiPropertyOptional({ description: "Steps run on every answered leg (default: the target's script, else none)" })
  @IvrScriptProperty({ optional: true })
  ivrScript?: IvrStep[];

  @ApiPropertyOptional({ format: 'uuid', description: "Where the won call goes (default: the org's default)" })
  @IsOptional()
  @Matches(UUID, { message: 'destinationId must be a UUID' })
  destinationId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: HUNT_MAX_LINES, default: HUNT_DEFAULT_LINES })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(HUNT_MAX_LINES)
  lines?: number;

  @ApiPropertyOptional({ type: [String], description: 'These lines exactly (instead of a count)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(HUNT_MAX_LINES)
  @ArrayUnique()
  @Matches(UUID, { each: true, message: 'lineIds must be UUIDs' })
  lineIds?: string[];

  @ApiPropertyOptional({ description: 'Lines of this pool only' })
  @IsOptional()
  @IsString()
  @Matches(POOL, { message: 'pool must be a pool name (letters, digits, _ . -)' })
  pool?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Lines of this provider account only' })
  @IsOptional()
  @Matches(UUID, { message: 'providerAccountId must be a UUID' })
  providerAccountId?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 60_000, default: HUNT_DEFAULT_STAGGER_MS })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  staggerMs?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 24 * 60, default: HUNT_DEFAULT_MAX_DURATION_MINUTES })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  maxDurationMinutes?: number;

  @ApiPropertyOptional({ type: HuntRedialDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HuntRedialDto)
  redial?: HuntRedialDto;

  @ApiPropertyOptional({ type: HuntDetectionDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HuntDetectionDto)
  detection?: HuntDetectionDto;
}

export class LegDetectionDto {
  @ApiProperty({ enum: DETECTION_DECIDERS }) decidedBy: DetectionDecider;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence: number;
  @ApiPropertyOptional({ type: [String] }) evidence?: string[];
}

/** One leg of a hunt: one call attempt on one line. */
export class LegDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) lineId: string;
  @ApiProperty({ minimum: 1 }) attempt: number;
  @ApiProperty({ enum: LEG_STATUSES }) status: LegStatus;
  @ApiProperty({ nullable: true, type: String, description: "The provider's call id, once the call is placed" })
  providerCallId: string | null;
  @ApiProperty() startedAt: string;
  @ApiProperty({ nullable: true, type: String }) endedAt: string | null;
  @ApiProperty({ nullable: true, enum: LEG_END_REASONS }) endReason: LegEndReason | null;
  @ApiProperty({ nullable: true, type: LegDetectionDto }) detection: LegDetectionDto | null;
}

export class HuntTransferDto {
  @ApiProperty({ nullable: true, type: String, description: '`dialing`, `retrying`, `connected`, `failed`' })
  status: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) connectedAt: string | null;
}

export class HuntRedialSettingsDto extends HuntRedialDto {}
/** A hunt's detection rule as it runs (the defaults filled in). */
export class HuntDetectionSettingsDto {
  @ApiProperty({ enum: ['auto', 'confirm'] }) mode: 'auto' | 'confirm';
  @ApiProperty({ minimum: 0, maximum: 1 }) minConfidence: number;
}

/** A hunt with its legs (newest attempt of every line, and every earlier one). */
export class HuntDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: HUNT_STATUSES }) status: HuntStatus;
  @ApiProperty({ nullable: true, type: String, description: 'Why it ended (`exhausted`, `cancelled`, …)' })
  endReason: string | null;
  @ApiProperty({ nullable: true, type: String }) targetId: string | null;
  @ApiProperty() phoneNumber: string;
  @ApiProperty({ nullable: true, type: String }) destinationId: string | null;
  @ApiProperty({ format: 'uuid' }) providerAccountId: string;
  @ApiProperty() lineCount: number;
  @ApiProperty() staggerMs: number;
  @ApiProperty() maxDurationMinutes: number;
  @ApiProperty({ type: HuntRedialSettingsDto }) redial: HuntRedialSettingsDto;
  @ApiProperty({ type: HuntDetectionSettingsDto }) detection: HuntDetectionSettingsDto;
  @ApiProperty({ nullable: true, type: String }) winnerLegId: string | null;
  @ApiProperty({ type: HuntTransferDto }) transfer: HuntTransferDto;
  @ApiProperty({ type: [LegDto] }) legs: LegDto[];
  @ApiProperty() createdAt: string;
  @ApiProperty() deadlineAt: string;
  @ApiProperty({ nullable: true, type: String }) endedAt: string | null;
}

/** A hunt in a list: without its legs. */
export class HuntSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: HUNT_STATUSES }) status: HuntStatus;
  @ApiProperty({ nullable: true, type: String }) endReason: string | null;
  @ApiProperty({ nullable: true, type: String }) targetId: string | null;
  @ApiProperty() phoneNumber: string;
  @ApiProperty() lineCount: number;
  @ApiProperty({ nullable: true, type: String }) winnerLegId: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) endedAt: string | null;
}

export class HuntListDto {
  @ApiProperty({ type: [HuntSummaryDto] }) items: HuntSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}

/** `GET /hunts?status=&targetId=&from=&to=&cursor=&limit=`: newest first. */
export class ListHuntsDto {
  @ApiPropertyOptional({ enum: HUNT_STATUSES })
  @IsOptional()
  @IsIn(HUNT_STATUSES)
  status?: HuntStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  targetId?: string;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(CURSOR, { message: 'cursor is not one this API gave out' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: HUNTS_MAX_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(HUNTS_MAX_PAGE)
  limit?: number;
}

/** `GET /hunts/:id/legs/:legId/events?cursor=&limit=` (oldest first). */
export class LegEventsQueryDto {
  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{1,19}$/, { message: 'cursor is not one this API gave out' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: HUNTS_MAX_PAGE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(HUNTS_MAX_PAGE)
  limit?: number;
}

/** `hunts.v1.leg-events`: the hunt, its leg and the page. */
export class LegEventsRequestDto extends LegEventsQueryDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(UUID, { message: 'id must be a UUID' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  @Matches(UUID, { message: 'legId must be a UUID' })
  legId: string;
}

/**
 * `hunts.v1.confirm-human` (`POST /hunts/:id/legs/:legId/confirm-human`): a person listening says this
 * leg has a live person on it. Always decides (whatever the mode or the confidence), if the leg is
 * still on an answered call and the hunt has no other winner.
 */
export class ConfirmHumanDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(UUID, { message: 'id must be a UUID' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  @Matches(UUID, { message: 'legId must be a UUID' })
  legId: string;
}

/** One line of a leg's history: a provider event, a media signal, a decision of the engine. */
export class LegEventDto {
  @ApiProperty({ description: 'Increasing within the leg' }) id: string;
  @ApiProperty() at: string;
  @ApiProperty({ enum: LEG_EVENT_SOURCES }) source: LegEventSource;
  @ApiProperty({ example: 'call-status' }) kind: string;
  @ApiProperty({ nullable: true, type: Number }) confidence: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail: Record<string, unknown>;
}

export class LegEventListDto {
  @ApiProperty({ type: [LegEventDto] }) items: LegEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
