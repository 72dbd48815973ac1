import { type AccessTokenClaims, ErrorCode } from '@callfleet/contracts';
import { LRUCache } from 'lru-cache';
import { AppException } from '../errors/app.exception';
import { UnknownSigningKeyError, verifyAccessToken } from './access-token';
import type { JwksKeyring } from './jwks-keyring';
import type { Revocations } from './revocations';

export interface AccessTokenVerifierOptions {
  /** How many verified tokens to remember (each until it expires). */
  cacheMaxEntries: number;
  /** Time source for expiries in the cache (epoch ms). */
  now?: () => number;
}

/**
 * Verifies access tokens for a service that accepts them (the gateway; media-stream's stream tokens):
 * the signature against auth's published keys (refetched once for a `kid` not seen yet), the claims,
 * and revocation. A signature check is most of a request's CPU at the gateway, and a client sends the
 * same token for 15 minutes, so a verified token is remembered until it expires (bounded LRU); the
 * cache is dropped whenever the published keys change, so a retired key stops verifying at once.
 * Revocation is checked on every call, cached or not.
 */
export class AccessTokenVerifier {
  private readonly verified: LRUCache<string, AccessTokenClaims>;
  private readonly now: () => number;

  constructor(
    private readonly keyring: JwksKeyring,
    private readonly revocations: Revocations,
    options: AccessTokenVerifierOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.verified = new LRUCache({ max: options.cacheMaxEntries });
    keyring.onKeysChanged(() => this.verified.clear());
  }

  /** How many verified tokens are remembered right now. */
  get cachedTokens(): number {
    return this.verified.size;
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const claims = this.cached(token) ?? (await this.verifySignature(token));
    if (await this.revocations.isTokenRevoked(claims.jti)) {
      throw new AppException(ErrorCode.INVALID_TOKEN, 'Access token has been revoked');
    }
    return claims;
  }

  /** A remembered verification, while the token has not expired. */
  private cached(token: string): AccessTokenClaims | undefined {
    const claims = this.verified.get(token);
    if (claims && claims.exp * 1000 <= this.now()) {
      this.verified.delete(token);
      return undefined;
    }
    return claims;
  }

  private async verifySignature(token: string): Promise<AccessTokenClaims> {
    let claims: AccessTokenClaims;
    try {
      claims = await verifyAccessToken(token, await this.keyring.current(), new Date(this.now()));
    } catch (error) {
      if (!(error instanceof UnknownSigningKeyError)) throw error;
      // Auth may have rotated in a key we have not seen yet: fetch the key set once and retry.
      const refreshed = await this.keyring.refreshForUnknownKey();
      if (!refreshed) throw new AppException(ErrorCode.INVALID_TOKEN, 'Invalid access token');
      claims = await verifyAccessToken(token, refreshed, new Date(this.now())).catch((retryError: unknown) => {
        throw retryError instanceof UnknownSigningKeyError
          ? new AppException(ErrorCode.INVALID_TOKEN, 'Invalid access token')
          : retryError;
      });
    }
    this.verified.set(token, claims);
    return claims;
  }
}
