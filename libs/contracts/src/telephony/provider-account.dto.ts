import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { TELEPHONY_PROVIDERS, type TelephonyProvider } from './telephony-provider';

/** Our key of a provider account: the webhook route segment and the breaker name. Generated, never chosen. */
export const ACCOUNT_KEY_PATTERN = /^[a-z][a-z0-9-]{2,63}$/;

/** An IPv4/IPv6 address or CIDR block (the exact check happens where it is used). */
const CIDR = /^[0-9A-Fa-f:.]{2,45}(\/\d{1,3})?$/;

/** What the provider's REST API needs; which ones depends on the provider (see the service's checks). */
export class ProviderCredentialsDto {
  @ApiPropertyOptional({ description: 'Twilio AccountSid or Exotel account sid' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  accountSid?: string;

  @ApiPropertyOptional({ description: 'Twilio Auth Token (also the key Twilio signs webhooks with)' })
  @IsOptional()
  @IsString()
  @Length(8, 200)
  authToken?: string;

  @ApiPropertyOptional({ description: 'Exotel API key' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  apiKey?: string;

  @ApiPropertyOptional({ description: 'Exotel API token' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  apiToken?: string;

  @ApiPropertyOptional({ description: 'RingCentral bearer access token' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  accessToken?: string;
}

/** How the provider's webhooks prove where they come from, for providers whose key is not a credential. */
export class WebhookSecretsDto {
  @ApiPropertyOptional({ description: 'Standard Webhooks `whsec_…` secret (generic) or Jambonz webhook secret' })
  @IsOptional()
  @IsString()
  @Length(8, 300)
  signingSecret?: string;

  @ApiPropertyOptional({ description: 'Exotel: the secret path segment of its callback URL (24-128 URL-safe chars)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{24,128}$/, { message: 'pathSecret must be 24 to 128 characters of A-Z a-z 0-9 _ -' })
  pathSecret?: string;

  @ApiPropertyOptional({ description: 'Exotel: HTTP basic auth user put in its callback URL (optional)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  basicAuthUsername?: string;

  @ApiPropertyOptional({ description: 'Exotel: HTTP basic auth password (with basicAuthUsername)' })
  @IsOptional()
  @IsString()
  @Length(8, 200)
  basicAuthPassword?: string;
}

const DELETE_AFTER_STORE =
  "Delete the provider's copy of each recording once ours is stored and verified (Twilio only; set at creation)";

export class CreateProviderAccountDto {
  @ApiProperty({ enum: TELEPHONY_PROVIDERS })
  @IsIn(TELEPHONY_PROVIDERS)
  provider: TelephonyProvider;

  @ApiProperty({ example: 'Twilio main account' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ description: "The provider's API base URL when not its public one (the simulator in dev)" })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(500)
  apiBaseUrl?: string;

  @ApiPropertyOptional({ type: ProviderCredentialsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProviderCredentialsDto)
  credentials?: ProviderCredentialsDto;

  @ApiPropertyOptional({ type: WebhookSecretsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => WebhookSecretsDto)
  webhookSecrets?: WebhookSecretsDto;

  @ApiPropertyOptional({ description: 'Exotel: addresses or CIDR blocks its webhooks may come from', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(CIDR, { each: true, message: 'ipAllowList entries must be IP addresses or CIDR blocks' })
  ipAllowList?: string[];

  @ApiPropertyOptional({ default: false, description: DELETE_AFTER_STORE })
  @IsOptional()
  @IsBoolean()
  deleteProviderRecordingAfterStore?: boolean;
}

export class ProviderSubscriptionDto {
  @ApiProperty({ example: 'active', enum: ['pending', 'active', 'failing'] })
  status: 'pending' | 'active' | 'failing';

  @ApiPropertyOptional({ format: 'date-time' })
  expiresAt: string | null;

  @ApiPropertyOptional({ description: 'Why the last create or renewal failed' })
  lastError: string | null;
}

/** A provider account as its org sees it: where to point the provider, never a secret. */
export class ProviderAccountDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: TELEPHONY_PROVIDERS })
  provider: TelephonyProvider;

  @ApiProperty({ description: 'Our key of the account, part of its webhook URLs', example: 'twilio-3fk9q2m7xw' })
  accountKey: string;

  @ApiProperty()
  name: string;

  @ApiPropertyOptional()
  apiBaseUrl: string | null;

  @ApiProperty({
    description: "Where to point the provider's webhooks, by purpose (Exotel's path secret shown as {pathSecret})",
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  webhookUrls: Record<string, string>;

  @ApiProperty({ description: 'Names of the credentials and secrets stored (encrypted); never their values' })
  secretsSet: string[];

  @ApiProperty({ type: [String] })
  ipAllowList: string[];

  @ApiProperty({ description: DELETE_AFTER_STORE })
  deleteProviderRecordingAfterStore: boolean;

  @ApiPropertyOptional({ type: ProviderSubscriptionDto, description: 'RingCentral: its webhook subscription' })
  subscription: ProviderSubscriptionDto | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/**
 * `provider-accounts.v1.credentials`: the account of the caller's org (fleet headers), by our key
 * (what provider events carry) or by its id (what users name in the API). Exactly one of the two.
 */
export class ProviderAccountCredentialsRequestDto {
  @ApiPropertyOptional()
  @ValidateIf((dto: ProviderAccountCredentialsRequestDto) => dto.id === undefined)
  @Matches(ACCOUNT_KEY_PATTERN, { message: 'accountKey is not an account key' })
  accountKey?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @ValidateIf((dto: ProviderAccountCredentialsRequestDto) => dto.accountKey === undefined || dto.id !== undefined)
  @IsUUID('all', { message: 'id must be a provider account id' })
  id?: string;
}

/**
 * What a fleet service needs to call the provider's REST API for an account (the recording
 * pipeline's downloads): the credentials opened. Only fleet services may ask, and the broker lets
 * only those that declare the command in their definition send it.
 */
export class ProviderAccountCredentialsDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: TELEPHONY_PROVIDERS }) provider: TelephonyProvider;
  @ApiProperty() accountKey: string;
  @ApiProperty({ nullable: true, type: String }) apiBaseUrl: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) credentials: Record<string, string>;
  @ApiProperty({ description: DELETE_AFTER_STORE }) deleteProviderRecordingAfterStore: boolean;
}
