import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { defineCommand } from '../nats/command-descriptor';
import { MEDIA_CALL_ID_PATTERN } from './media.subjects';

/** Issuer and audience of stream tokens: signed by auth's keys (EdDSA, the access tokens' key set), for media-stream only. */
export const STREAM_TOKEN_ISSUER = 'callfleet-auth';
export const STREAM_TOKEN_AUDIENCE = 'callfleet-media-stream';
/**
 * The JWT `typ` header of stream tokens (explicit typing, RFC 8725 §3.11): with the audience, it keeps an
 * access token from passing as a stream token and a stream token from passing as an access token.
 */
export const STREAM_TOKEN_TYPE = 'stream+jwt';
/** The longest a stream token lets a provider take to connect. */
export const STREAM_TOKEN_MAX_TTL_SECONDS = 120;
/** Twilio: `<Parameter name="token" value="…"/>` (arrives in `start.customParameters`); Exotel: `?token=` on the URL. */
export const STREAM_TOKEN_PARAMETER = 'token';

/** Providers whose media streams media-stream accepts (`/media/<provider>`). */
export const MEDIA_STREAM_PROVIDERS = ['twilio', 'exotel'] as const;
export type MediaStreamProvider = (typeof MEDIA_STREAM_PROVIDERS)[number];

/** What a verified stream token proves. */
export interface StreamTokenClaims {
  callId: string;
  orgId: string;
  provider: MediaStreamProvider;
  /** The dialed line's key (e.g. the target's id): legs with one key share what the detector learned. */
  line?: string;
  /** Unix seconds. */
  expiresAt: number;
  /** The token's id (jti). */
  tokenId: string;
}

/** `auth.v1.stream-tokens.issue`: fleet-only (call-orchestrator), signs a token for one call's media stream. */
export class IssueStreamTokenDto {
  @IsString()
  @Matches(MEDIA_CALL_ID_PATTERN)
  callId: string;

  @IsUUID()
  orgId: string;

  @IsIn(MEDIA_STREAM_PROVIDERS)
  provider: MediaStreamProvider;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.:+-]{1,128}$/)
  line?: string;

  /** Default and maximum STREAM_TOKEN_MAX_TTL_SECONDS. */
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(STREAM_TOKEN_MAX_TTL_SECONDS)
  ttlSeconds?: number;
}

export class StreamTokenDto {
  token: string;
  /** ISO 8601 */
  expiresAt: string;
}

/** auth's stream-token command (fleet-only: call-orchestrator asks for one per call it streams). */
export const StreamTokenCommands = {
  Issue: defineCommand({
    subject: 'auth.v1.stream-tokens.issue',
    request: IssueStreamTokenDto,
    response: StreamTokenDto,
  }),
} as const;
