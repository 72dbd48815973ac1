import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  type AccessTokenClaims,
  ErrorCode,
  ROLES,
  type Role,
} from '@callfleet/contracts';
import { type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AppException } from '../errors/app.exception';

/** Longest JWT we even try to parse; ours are a few hundred bytes. */
export const MAX_ACCESS_TOKEN_LENGTH = 4096;

/** The signing key named by `kid` is not in the key set we have (auth may have rotated keys). */
export class UnknownSigningKeyError extends Error {
  constructor() {
    super('Access token signed with an unknown key');
  }
}

const invalidToken = () => new AppException(ErrorCode.INVALID_TOKEN, 'Invalid access token');

function isRoleList(value: unknown): value is Role[] {
  return Array.isArray(value) && value.every((role) => (ROLES as readonly unknown[]).includes(role));
}

/**
 * Verifies an access token locally: EdDSA only (so neither `alg: none` nor an HMAC signed with the
 * public key is ever accepted), our issuer and audience, not expired, and claims of the right shape.
 * Every refusal is INVALID_TOKEN except expiry (TOKEN_EXPIRED, so clients know to refresh);
 * an unknown `kid` throws UnknownSigningKeyError so the caller can refresh the key set once.
 */
export async function verifyAccessToken(
  token: string,
  keys: JWTVerifyGetKey,
  currentDate?: Date,
): Promise<AccessTokenClaims> {
  if (token.length > MAX_ACCESS_TOKEN_LENGTH) throw invalidToken();
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: ['EdDSA'],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      ...(currentDate ? { currentDate } : {}),
    }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') throw new AppException(ErrorCode.TOKEN_EXPIRED, 'Access token expired');
    if (code === 'ERR_JWKS_NO_MATCHING_KEY') throw new UnknownSigningKeyError();
    throw invalidToken();
  }
  const { sub, org, roles, jti } = payload;
  if (typeof sub !== 'string' || typeof org !== 'string' || typeof jti !== 'string' || !isRoleList(roles)) {
    throw invalidToken();
  }
  return payload as unknown as AccessTokenClaims;
}
