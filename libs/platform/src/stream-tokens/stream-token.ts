import {
  MEDIA_CALL_ID_PATTERN,
  MEDIA_STREAM_PROVIDERS,
  STREAM_TOKEN_AUDIENCE,
  STREAM_TOKEN_ISSUER,
  STREAM_TOKEN_MAX_TTL_SECONDS,
  STREAM_TOKEN_TYPE,
  type StreamTokenClaims,
} from '@callfleet/contracts';
import { type JWTVerifyGetKey, jwtVerify } from 'jose';

/** Longest stream token we even try to parse; ours are a few hundred bytes. */
export const MAX_STREAM_TOKEN_LENGTH = 4096;
/** How far in the future `iat` may be (clock skew between auth and media-stream). */
const ISSUED_AT_SKEW_SECONDS = 30;
const ORG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LINE = /^[A-Za-z0-9_.:+-]{1,128}$/;

/** Why a stream token was refused: media-stream counts refusals by it (a metric label, so a closed set). */
export const STREAM_TOKEN_FAILURE_REASONS = [
  'missing',
  'malformed',
  'expired',
  'bad-signature',
  'wrong-audience',
  'unknown-key',
  'invalid-claims',
] as const;
export type StreamTokenFailureReason = (typeof STREAM_TOKEN_FAILURE_REASONS)[number];

export class StreamTokenError extends Error {
  constructor(readonly reason: StreamTokenFailureReason) {
    super(`Stream token refused: ${reason}`);
    this.name = 'StreamTokenError';
  }
}

function reasonOf(error: unknown): StreamTokenFailureReason {
  const { code, claim } = error as { code?: string; claim?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'unknown-key';
    // alg none, HS256 with the public key as the secret, a forged or altered signature.
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad-signature';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      // A token of another kind (an access token): other audience and `typ`.
      return claim === 'aud' || claim === 'typ' ? 'wrong-audience' : 'invalid-claims';
    default:
      return 'malformed';
  }
}

/**
 * Verifies a stream token locally: EdDSA only, auth's issuer, media-stream's audience and `typ`, not
 * expired, issued with at most STREAM_TOKEN_MAX_TTL_SECONDS to live (so a token minted with a longer life is
 * refused however it was signed), claims of the right shape. Every refusal is a StreamTokenError naming
 * its reason; `unknown-key` lets the caller refetch the key set once (StreamTokenVerifier does).
 */
export async function verifyStreamToken(
  token: string,
  keys: JWTVerifyGetKey,
  currentDate?: Date,
): Promise<StreamTokenClaims> {
  if (typeof token !== 'string' || token.length === 0) throw new StreamTokenError('missing');
  if (token.length > MAX_STREAM_TOKEN_LENGTH) throw new StreamTokenError('malformed');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: ['EdDSA'],
      issuer: STREAM_TOKEN_ISSUER,
      audience: STREAM_TOKEN_AUDIENCE,
      typ: STREAM_TOKEN_TYPE,
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      ...(currentDate ? { currentDate } : {}),
    }));
  } catch (error) {
    throw new StreamTokenError(reasonOf(error));
  }
  const { sub, org, provider, line, jti, iat, exp } = payload;
  const nowSeconds = Math.floor((currentDate ?? new Date()).getTime() / 1000);
  const wellFormed =
    typeof sub === 'string' &&
    MEDIA_CALL_ID_PATTERN.test(sub) &&
    typeof org === 'string' &&
    ORG_ID.test(org) &&
    (MEDIA_STREAM_PROVIDERS as readonly unknown[]).includes(provider) &&
    (line === undefined || (typeof line === 'string' && LINE.test(line))) &&
    typeof jti === 'string' &&
    jti.length > 0 &&
    jti.length <= 128 &&
    typeof iat === 'number' &&
    typeof exp === 'number' &&
    exp > iat &&
    exp - iat <= STREAM_TOKEN_MAX_TTL_SECONDS &&
    iat <= nowSeconds + ISSUED_AT_SKEW_SECONDS;
  if (!wellFormed) throw new StreamTokenError('invalid-claims');
  return {
    callId: sub,
    orgId: org,
    provider: provider as StreamTokenClaims['provider'],
    ...(line === undefined ? {} : { line: line as string }),
    expiresAt: exp,
    tokenId: jti,
  };
}
