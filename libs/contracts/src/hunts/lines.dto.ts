import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { TELEPHONY_PROVIDERS, type TelephonyProvider } from '../telephony/telephony-provider';

/** The largest page `lines.v1.list` returns. */
export const LINES_MAX_PAGE = 500;
/** A pool's name: a word a user types (`east`, `tax-team_2`). */
export const LINE_POOL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
/** The most pools a line is in. */
export const LINE_MAX_POOLS = 20;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `"true"` / `"false"` from a query string as booleans; anything else is left for @IsBoolean to refuse. */
function queryBoolean({ value }: { value: unknown }): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/** `lines.v1.sync`: read every page of the account's numbers / extensions and bring the org's lines in step. */
export class SyncLinesDto {
  @ApiProperty({ format: 'uuid', description: 'The provider account (see /provider-accounts) whose lines to read' })
  @IsUUID('all', { message: 'providerAccountId must be a provider account id' })
  providerAccountId: string;
}

export class LineSyncResultDto {
  @ApiProperty({ description: 'Lines the provider lists that were new' }) added: number;
  @ApiProperty({ description: 'Known lines whose number or label changed (or that came back)' }) updated: number;
  @ApiProperty({ description: 'Lines the provider no longer lists (kept, no longer listed or leased)' })
  removed: number;
}

/** Which hunt (and which of its legs), or which single call, holds a line now. */
export class LineInUseDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The hunt holding it; null for a single call',
  })
  huntId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The leg calling on it; null while the hunt has not dialed yet',
  })
  legId: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The single call (`/calls`) holding it; null for a hunt',
  })
  callId: string | null;
}

/** A number or extension calls go out from. */
export class LineDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) providerAccountId: string;
  @ApiProperty({ enum: TELEPHONY_PROVIDERS }) provider: TelephonyProvider;
  @ApiProperty({ description: 'E.164 number, or the RingCentral extension number' }) number: string;
  @ApiProperty({ description: "The provider's friendly name" }) label: string;
  @ApiProperty({ description: 'Hunts only take enabled lines' }) enabled: boolean;
  @ApiProperty({ type: [String], description: 'Named groups a hunt can ask for (`pool`)' }) pools: string[];
  @ApiProperty({
    type: LineInUseDto,
    nullable: true,
    description: 'The hunt or single call holding the line, or null when free',
  })
  inUse: LineInUseDto | null;
}

export class LineListDto {
  @ApiProperty({ type: [LineDto] }) items: LineDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}

/** `GET /lines?pool=&enabled=&available=&providerAccountId=&cursor=&limit=`: oldest first. */
export class ListLinesDto {
  @ApiPropertyOptional({ description: 'Only lines in this pool' })
  @IsOptional()
  @IsString()
  @Matches(LINE_POOL_PATTERN, { message: 'pool must be a pool name (letters, digits, - and _; at most 40)' })
  pool?: string;

  @ApiPropertyOptional({ description: 'Only enabled (true) or disabled (false) lines' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    description: 'true: only lines a hunt could take now (enabled and free); false: only those it could not',
  })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  available?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'providerAccountId must be a provider account id' })
  providerAccountId?: string;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor is not one this API gave out' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: LINES_MAX_PAGE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LINES_MAX_PAGE)
  limit?: number;
}

/** `PATCH /lines/:id`: what a manager changes on a line (the provider's fields come from sync). */
export class UpdateLineBodyDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: [String], maxItems: LINE_MAX_POOLS, description: 'Replaces the pools; [] leaves none' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LINE_MAX_POOLS)
  @IsString({ each: true })
  @Matches(LINE_POOL_PATTERN, {
    each: true,
    message: 'each pool must be a pool name (letters, digits, - and _; at most 40)',
  })
  pools?: string[];
}

/** `lines.v1.update`. */
export class UpdateLineDto extends UpdateLineBodyDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(UUID, { message: 'id must be a UUID' })
  id: string;
}
