import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsPositive, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';
import { EmailField } from '../validation/email-field';
import { ROLES, type Role } from './roles';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export class RegisterDto {
  @EmailField()
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiProperty({ example: 'Analytical Engines Ltd' })
  @IsString()
  @Length(1, 120)
  organizationName: string;
}

export class LoginDto {
  @EmailField()
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @Length(20, 200)
  refreshToken: string;
}

/** Logout: the refresh token's family and the presented access token are revoked. */
export class LogoutDto {
  @ApiPropertyOptional({ description: 'Revoke this refresh token family too (recommended).' })
  @IsOptional()
  @IsString()
  @Length(20, 200)
  refreshToken?: string;
}

/** What auth.v1.logout receives from the gateway: the verified claims of the access token. */
export class LogoutCommand extends LogoutDto {
  @IsString()
  @Length(1, 100)
  jti: string;

  /** Access token expiry (seconds since epoch), so the revocation entry can expire with it. */
  @IsInt()
  @IsPositive()
  exp: number;
}

export class PasswordResetRequestDto {
  @EmailField()
  email: string;
}

export class PasswordResetConfirmDto {
  @EmailField()
  email: string;

  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword: string;
}

export class VerifyEmailDto {
  @EmailField()
  email: string;

  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class ResendVerificationDto {
  @EmailField()
  email: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'dialer-worker' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiPropertyOptional({ enum: ROLES, default: 'agent' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

export class InviteUserDto {
  @EmailField()
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;
}

export class IdParamDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'id must be a UUID' })
  id: string;
}

/** API key verification: the gateway hands the presented key to auth and caches the answer briefly. */
export class VerifyApiKeyDto {
  @IsString()
  @Length(10, 200)
  key: string;
}

// ---- responses ----

export class TokenPairDto {
  @ApiProperty() accessToken: string;
  @ApiProperty() refreshToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 }) expiresIn: number;
}

export class MeDto {
  @ApiProperty() userId: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty() emailVerified: boolean;
  @ApiProperty() orgId: string;
  @ApiProperty() organizationName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
}

export class UserDto {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() emailVerified: boolean;
  @ApiProperty() createdAt: string;
}

export class ApiKeyDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'First characters of the key, to recognise it' }) prefix: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastUsedAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself. Shown once, never again.' }) key: string;
}

export class AcceptedDto {
  @ApiProperty({ example: true }) accepted: true;
}

export interface Jwk {
  kty: string;
  kid: string;
  alg: string;
  use: 'sig';
  [k: string]: unknown;
}
export interface JwksDto {
  keys: Jwk[];
}

/** Claims of a verified principal, as carried in the fleet headers. */
export interface PrincipalDto {
  userId: string;
  orgId: string;
  roles: Role[];
  /** `user` for a JWT, `api-key` for a machine client. */
  kind: 'user' | 'api-key';
}

export interface ApiKeyPrincipalDto extends PrincipalDto {
  apiKeyId: string;
}

export class OkDto {
  @ApiProperty({ example: true }) ok: true;
}

export interface ListDto<T> {
  items: T[];
}

/** Claims of an access token (JWT, EdDSA, `kid` in the header). */
export interface AccessTokenClaims {
  /** The user id. */
  sub: string;
  org: string;
  roles: Role[];
  jti: string;
  iat: number;
  exp: number;
  iss: 'callfleet-auth';
  aud: 'callfleet';
}

export const ACCESS_TOKEN_ISSUER = 'callfleet-auth';
export const ACCESS_TOKEN_AUDIENCE = 'callfleet';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** API keys are `cf_` followed by the key id and a secret; only a hash is stored. */
export const API_KEY_PREFIX = 'cf_';
