import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  API_FAULT_MODES,
  type ApiFaultSwitch,
  DOWNLOAD_MODES,
  type DownloadMode,
  PROVIDER_FLAVOURS,
  type ProviderFlavour,
} from '../accounts/sim-account';
import type { CallStatus } from '../calls/sim-call';
import { MAX_SIM_NUMBERS } from '../numbers/sim-numbers';

export class ApiFaultDto {
  @IsIn(API_FAULT_MODES)
  mode: ApiFaultSwitch['mode'];

  /** How many requests it affects; omitted = until switched off. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  remaining?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  retryAfterSeconds?: number;
}

export class HoldRangeDto {
  @IsInt()
  @Min(0)
  @Max(86_400)
  min: number;

  @IsInt()
  @Min(0)
  @Max(86_400)
  max: number;
}

/** Settings and switches of a simulated account (all optional when changing one). */
export class AccountSettingsDto {
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  authToken?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[\w.-]{1,64}$/)
  apiKey?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  webhookBaseUrl?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  seed?: string;

  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(1_000_000)
  timeScale?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => HoldRangeDto)
  holdSeconds?: HoldRangeDto;

  @IsOptional()
  @IsIn(DOWNLOAD_MODES)
  recordingDownload?: DownloadMode;

  /** null switches the failing API off. */
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @ValidateNested()
  @Type(() => ApiFaultDto)
  apiFault?: ApiFaultDto | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  webhookDuplicates?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  webhookRetries?: number;

  @IsOptional()
  @IsString()
  @Matches(/^\d{1,20}$/)
  extensionId?: string;

  /** How many numbers / extensions the account lists (the first N of its fixed sequence: lowering it drops the last ones). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SIM_NUMBERS)
  numberCount?: number;
}

export class CreateAccountDto extends AccountSettingsDto {
  @IsIn(PROVIDER_FLAVOURS)
  flavour: ProviderFlavour;

  /** Twilio: AC + 32 hex; Exotel and RingCentral: their account id. Generated when omitted. */
  @IsOptional()
  @IsString()
  @Matches(/^[\w.-]{1,64}$/)
  sid?: string;
}

export class CallsQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  accountSid?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  to?: string;

  @IsOptional()
  @IsIn(['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'])
  status?: CallStatus;
}

export class RequestsQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(256)
  path?: string;
}

/** DTMF the far end presses (a caller's keypad), for bidirectional streams' `dtmf` events. */
export class FarEndDigitsDto {
  @IsString()
  @Matches(/^[0-9*#]{1,32}$/)
  digits: string;
}

/** An Exotel flow whose Voicebot or Stream applet streams to `url` (ws/wss, or http/https answering {"url"}). */
export class ExotelFlowDto {
  @IsIn(['voicebot', 'stream'])
  applet: 'voicebot' | 'stream';

  @IsUrl({ require_tld: false, protocols: ['ws', 'wss', 'http', 'https'], require_protocol: true })
  @MaxLength(600)
  url: string;
}
