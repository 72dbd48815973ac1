import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { DESTINATION_KINDS, type DestinationKind, IVR_DIGITS_PATTERN } from './hunt-model';

/** A dialable number: E.164 (`+`, a country code, up to 15 digits). Nothing else ever reaches TwiML. */
export const PHONE_NUMBER_PATTERN = /^\+[1-9][0-9]{6,14}$/;
export const SIP_URI_MAX_LENGTH = 256;
/**
 * `sip:` / `sips:` URI: an optional user part, a host, an optional port and a few `;params`. The
 * characters allowed exclude whitespace, quotes, `<`, `>` and `&`, so the URI is safe inside TwiML's
 * `<Sip>` element even before escaping (we escape anyway).
 */
export const SIP_URI_PATTERN =
  /^sips?:(?:[A-Za-z0-9._~!$*+,;=%-]{1,64}@)?[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})(?::[0-9]{1,5})?(?:;[A-Za-z0-9._~=%-]{1,64}){0,8}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DESTINATION_NAME_MAX_LENGTH = 100;
/** The largest page `destinations.v1.list` returns. */
export const DESTINATIONS_MAX_PAGE = 200;

const PHONE_MESSAGE = 'must be an E.164 phone number (+ and 7 to 15 digits)';
const DIGITS_MESSAGE = 'sendDigits must be 1 to 64 of 0-9 * # w';
const SIP_MESSAGE = 'uri must be a sip: or sips: URI (user@host[:port][;params])';

/** Refuses a field set on a destination of the other kind (`uri` on a phone, `number` on a SIP URI). */
function OnlyForKind(kind: DestinationKind): PropertyDecorator {
  return ValidateBy({
    name: 'onlyForKind',
    validator: {
      validate: (_value, args) => (args?.object as { kind?: unknown } | undefined)?.kind === kind,
      defaultMessage: (args) => `${args?.property} is only for ${kind} destinations`,
    },
  });
}

/** Present on `field`, or required because the destination is of `kind`. */
const presentOr = (kind: DestinationKind, field: string) =>
  ValidateIf((o: Record<string, unknown>) => o.kind === kind || o[field] !== undefined);

/** A destination as it is stored and shown. */
export class DestinationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Support queue' }) name: string;
  @ApiProperty({ enum: DESTINATION_KINDS }) kind: DestinationKind;
  @ApiProperty({ nullable: true, type: String, example: '+15550100100' }) number: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'ww1234#', description: 'DTMF sent once the number answers' })
  sendDigits: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'sip:queue@pbx.example.com' }) uri: string | null;
  @ApiProperty({ description: 'Where a hunt hands off when it names no destination (one per organization)' })
  isDefault: boolean;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class DestinationListDto {
  @ApiProperty({ type: [DestinationDto] }) items: DestinationDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}

/**
 * `POST /destinations`: `{"kind": "phone", "number", "sendDigits"?}` (a queue is its number plus its
 * extension digits) or `{"kind": "sip", "uri"}`. `isDefault: true` makes it the org's default (the old
 * default stops being one in the same transaction).
 */
export class CreateDestinationDto {
  @ApiProperty({ example: 'Support queue', maxLength: DESTINATION_NAME_MAX_LENGTH })
  @IsString()
  @Length(1, DESTINATION_NAME_MAX_LENGTH)
  name: string;

  @ApiProperty({ enum: DESTINATION_KINDS })
  @IsIn(DESTINATION_KINDS, { message: `kind must be one of ${DESTINATION_KINDS.join(', ')}` })
  kind: DestinationKind;

  @ApiPropertyOptional({ example: '+15550100100', description: 'Required for phone destinations' })
  @presentOr('phone', 'number')
  @OnlyForKind('phone')
  @Matches(PHONE_NUMBER_PATTERN, { message: `number ${PHONE_MESSAGE}` })
  number?: string;

  @ApiPropertyOptional({ example: 'ww1234#', pattern: IVR_DIGITS_PATTERN.source })
  @IsOptional()
  @OnlyForKind('phone')
  @Matches(IVR_DIGITS_PATTERN, { message: DIGITS_MESSAGE })
  sendDigits?: string;

  @ApiPropertyOptional({ example: 'sip:queue@pbx.example.com', maxLength: SIP_URI_MAX_LENGTH })
  @presentOr('sip', 'uri')
  @OnlyForKind('sip')
  @IsString()
  @MaxLength(SIP_URI_MAX_LENGTH)
  @Matches(SIP_URI_PATTERN, { message: SIP_MESSAGE })
  uri?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
}

/**
 * `PATCH /destinations/:id`: the fields given change. Changing `kind` needs the new kind's field
 * (`number` or `uri`); the other kind's fields are cleared. `sendDigits: null` removes the digits.
 * `isDefault: true` makes it the default; `false` leaves the org without one.
 */
export class DestinationPatchDto {
  @ApiPropertyOptional({ maxLength: DESTINATION_NAME_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @Length(1, DESTINATION_NAME_MAX_LENGTH)
  name?: string;

  @ApiPropertyOptional({ enum: DESTINATION_KINDS })
  @IsOptional()
  @IsIn(DESTINATION_KINDS, { message: `kind must be one of ${DESTINATION_KINDS.join(', ')}` })
  kind?: DestinationKind;

  @ApiPropertyOptional({ example: '+15550100100' })
  @IsOptional()
  @Matches(PHONE_NUMBER_PATTERN, { message: `number ${PHONE_MESSAGE}` })
  number?: string;

  @ApiPropertyOptional({ nullable: true, type: String, pattern: IVR_DIGITS_PATTERN.source })
  @ValidateIf((o: DestinationPatchDto) => o.sendDigits !== null && o.sendDigits !== undefined)
  @Matches(IVR_DIGITS_PATTERN, { message: DIGITS_MESSAGE })
  sendDigits?: string | null;

  @ApiPropertyOptional({ maxLength: SIP_URI_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(SIP_URI_MAX_LENGTH)
  @Matches(SIP_URI_PATTERN, { message: SIP_MESSAGE })
  uri?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
}

/** `destinations.v1.update`: the patch and the destination's id (the gateway's path parameter). */
export class UpdateDestinationDto extends DestinationPatchDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(UUID, { message: 'id must be a UUID' })
  id: string;
}

/** `GET /destinations?cursor=&limit=`: oldest first. */
export class ListDestinationsDto {
  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor is not one this API gave out' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: DESTINATIONS_MAX_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(DESTINATIONS_MAX_PAGE)
  limit?: number;
}
