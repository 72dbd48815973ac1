import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PHONE_NUMBER_PATTERN } from './destination.dto';
import type { IvrStep } from './hunt-model';
import { IvrScriptProperty } from './ivr-script.dto';

export const TARGET_NAME_MAX_LENGTH = 100;
export const TARGET_MIN_LINES = 1;
export const TARGET_MAX_LINES = 70;
export const TARGET_DEFAULT_LINES = 6;
/** The largest page `targets.v1.list` returns. */
export const TARGETS_MAX_PAGE = 200;
/** Enough for a different window on every day, twice over, with room: a hostile list stays small. */
export const CALLING_HOURS_MAX_WINDOWS = 28;
/** `HH:MM` from 00:00 to 23:59; `to` may also be `24:00` (the end of the day). */
export const CLOCK_TIME_PATTERN = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/;
export const CLOCK_END_TIME_PATTERN = /^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;
/** The shape of an IANA zone name (`Europe/Berlin`, `America/Argentina/Buenos_Aires`, `UTC`); Intl decides if it exists. */
const TIME_ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]{0,30}(?:\/[A-Za-z0-9_+-]{1,30}){0,2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a time zone name the runtime's IANA database knows (an offset like `+02:00` is not one). */
export function isIanaTimeZone(name: string): boolean {
  if (!TIME_ZONE_SHAPE.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function IsIanaTimeZone(): PropertyDecorator {
  return ValidateBy({
    name: 'isIanaTimeZone',
    validator: {
      validate: (value) => typeof value === 'string' && isIanaTimeZone(value),
      defaultMessage: () => 'timeZone must be an IANA time zone name (like Europe/Berlin or UTC)',
    },
  });
}

/** A window differs from its end (`from` after `to` is a window over midnight, into the next day). */
function DiffersFromStart(): PropertyDecorator {
  return ValidateBy({
    name: 'differsFromStart',
    validator: {
      validate: (value, args) => value !== (args?.object as { from?: unknown } | undefined)?.from,
      defaultMessage: () => 'to must differ from from (a window over midnight has from after to)',
    },
  });
}

/** One window of calling hours: on these days (1 = Monday … 7 = Sunday), from `from` until `to`. */
export class CallingHoursWindowDto {
  @ApiProperty({ type: [Number], minItems: 1, maxItems: 7, example: [1, 2, 3, 4, 5] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  days: number[];

  @ApiProperty({ example: '09:00', pattern: CLOCK_TIME_PATTERN.source })
  @Matches(CLOCK_TIME_PATTERN, { message: 'from must be HH:MM (00:00 to 23:59)' })
  from: string;

  @ApiProperty({
    example: '17:30',
    pattern: CLOCK_END_TIME_PATTERN.source,
    description: 'Exclusive; 24:00 is the end of the day; before `from`, the window runs past midnight',
  })
  @Matches(CLOCK_END_TIME_PATTERN, { message: 'to must be HH:MM (00:00 to 24:00)' })
  @DiffersFromStart()
  to: string;
}

/** When a target may be called, in its own time zone. */
export class CallingHoursDto {
  @ApiProperty({ example: 'America/New_York', description: 'IANA time zone the windows are in' })
  @IsString()
  @MaxLength(64)
  @IsIanaTimeZone()
  timeZone: string;

  @ApiProperty({ type: () => [CallingHoursWindowDto], minItems: 1, maxItems: CALLING_HOURS_MAX_WINDOWS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CALLING_HOURS_MAX_WINDOWS)
  @IsObject({ each: true, message: 'each window must be an object' })
  @ValidateNested({ each: true })
  @Type(() => CallingHoursWindowDto)
  windows: CallingHoursWindowDto[];
}

/** A target as stored and shown. */
export class TargetDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Tax office helpline' }) name: string;
  @ApiProperty({ example: '+15550100200' }) phoneNumber: string;
  @IvrScriptProperty() ivrScript: IvrStep[];
  @ApiProperty({ minimum: TARGET_MIN_LINES, maximum: TARGET_MAX_LINES }) recommendedLines: number;
  @ApiProperty({ type: CallingHoursDto, nullable: true, description: 'null: any time' })
  callingHours: CallingHoursDto | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class TargetListDto {
  @ApiProperty({ type: [TargetDto] }) items: TargetDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}

/** The fields of a target that are optional in every write (creation and patch alike). */
export class TargetOptionalFieldsDto {
  @IvrScriptProperty({ optional: true, description: 'The IVR script every leg runs (default: none)' })
  ivrScript?: IvrStep[];

  @ApiPropertyOptional({ minimum: TARGET_MIN_LINES, maximum: TARGET_MAX_LINES, default: TARGET_DEFAULT_LINES })
  @IsOptional()
  @IsInt()
  @Min(TARGET_MIN_LINES)
  @Max(TARGET_MAX_LINES)
  recommendedLines?: number;

  @ApiPropertyOptional({ type: CallingHoursDto, nullable: true, description: 'null (or absent at creation): any time' })
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => CallingHoursDto)
  callingHours?: CallingHoursDto | null;
}

const PHONE_MESSAGE = 'phoneNumber must be an E.164 phone number (+ and 7 to 15 digits)';

/** `POST /targets`: a number to hunt, with its IVR script, line count and calling hours. */
export class CreateTargetDto extends TargetOptionalFieldsDto {
  @ApiProperty({ maxLength: TARGET_NAME_MAX_LENGTH, example: 'Tax office helpline' })
  @IsString()
  @Length(1, TARGET_NAME_MAX_LENGTH)
  name: string;

  @ApiProperty({ example: '+15550100200', pattern: PHONE_NUMBER_PATTERN.source })
  @Matches(PHONE_NUMBER_PATTERN, { message: PHONE_MESSAGE })
  phoneNumber: string;
}

/** `PATCH /targets/:id`: the fields given change (`callingHours: null` removes them). */
export class TargetPatchDto extends TargetOptionalFieldsDto {
  @ApiPropertyOptional({ maxLength: TARGET_NAME_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @Length(1, TARGET_NAME_MAX_LENGTH)
  name?: string;

  @ApiPropertyOptional({ example: '+15550100200', pattern: PHONE_NUMBER_PATTERN.source })
  @IsOptional()
  @Matches(PHONE_NUMBER_PATTERN, { message: PHONE_MESSAGE })
  phoneNumber?: string;
}

/** `targets.v1.update`: the patch and the target's id (the gateway's path parameter). */
export class UpdateTargetDto extends TargetPatchDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(UUID, { message: 'id must be a UUID' })
  id: string;
}

/** `GET /targets?cursor=&limit=`: oldest first. */
export class ListTargetsDto {
  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor is not one this API gave out' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: TARGETS_MAX_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(TARGETS_MAX_PAGE)
  limit?: number;
}

/** `GET /targets/:id/stats?from=&to=`: the query (hunts created in `[from, to)`; default the last 90 days). */
export class TargetStatsQueryDto {
  @ApiPropertyOptional({ description: 'Hunts created at or after (ISO 8601); default 90 days before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Hunts created before (ISO 8601); default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/** `targets.v1.stats`: the target and the period. */
export class TargetStatsRequestDto extends TargetStatsQueryDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(UUID, { message: 'id must be a UUID' })
  id: string;
}

/** Time from a hunt's start to its first leg with a person on it. */
export class TimeToHumanDto {
  @ApiProperty({ description: 'Hunts in which a person was reached (the samples)' }) samples: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Median, in ms' }) p50Ms: number | null;
  @ApiProperty({ nullable: true, type: Number, description: '90th percentile, in ms' }) p90Ms: number | null;
}

/** One hour of the week (in the stats' time zone) and its hunts. */
export class TargetStatsHourDto {
  @ApiProperty({ minimum: 1, maximum: 7, description: '1 = Monday … 7 = Sunday' }) day: number;
  @ApiProperty({ minimum: 0, maximum: 23 }) hour: number;
  @ApiProperty() hunts: number;
  @ApiProperty({ description: 'Of them, connected to the destination' }) connected: number;
  @ApiProperty({ nullable: true, type: Number, description: 'connected / finished, or null with none finished' })
  successRate: number | null;
  @ApiProperty({ type: TimeToHumanDto }) timeToHuman: TimeToHumanDto;
}

/** How hunting a target went: so a user sees when its line is quickest to reach. */
export class TargetStatsDto {
  @ApiProperty({ format: 'uuid' }) targetId: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ description: "The hours' time zone: the target's calling hours', else UTC" }) timeZone: string;
  @ApiProperty({ description: 'Hunts started in the period' }) hunts: number;
  @ApiProperty({ description: 'Of them, finished (connected, failed, exhausted or cancelled)' }) finished: number;
  @ApiProperty({ description: 'Of them, connected to the destination' }) connected: number;
  @ApiProperty({ nullable: true, type: Number, description: 'connected / finished, or null with none finished' })
  successRate: number | null;
  @ApiProperty({ type: TimeToHumanDto }) timeToHuman: TimeToHumanDto;
  @ApiProperty({ type: [TargetStatsHourDto], description: 'Only the hours of the week that had hunts, in order' })
  byHourOfWeek: TargetStatsHourDto[];
}
