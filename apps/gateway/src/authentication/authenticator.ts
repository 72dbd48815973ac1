import { ErrorCode } from '@callfleet/contracts';
import { AppException, MetricsService } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UnknownSigningKeyError, verifyAccessToken } from './access-token';
import { ApiKeyVerifier } from './api-key-verifier';
import { readCredentials } from './credentials';
import { JwksKeyring } from './jwks-keyring';
import type { Principal } from './principal';
import { RevokedTokens } from './revoked-tokens';

/** Turns the credentials a request presents into a Principal, or says why not. */
@Injectable()
export class Authenticator {
  constructor(
    private readonly keyring: JwksKeyring,
    private readonly revokedTokens: RevokedTokens,
    private readonly apiKeys: ApiKeyVerifier,
    private readonly metrics: MetricsService,
  ) {}

  /** The principal, or undefined when the request carries no credentials at all. Throws when they are refused. */
  async authenticate(request: FastifyRequest): Promise<Principal | undefined> {
    const credentials = readCredentials(request.headers);
    const outcome = this.metrics.counter(
      'callfleet_gateway_authentications_total',
      'Requests to protected routes by credential kind and outcome (ok or the error code)',
      ['kind', 'outcome'],
    );
    if (credentials.kind === 'none') return undefined;
    try {
      let principal: Principal;
      if (credentials.kind === 'malformed') {
        throw new AppException(ErrorCode.INVALID_TOKEN, 'Unsupported credentials: use a Bearer token or X-API-Key');
      } else if (credentials.kind === 'api-key') {
        const verified = await this.apiKeys.verify(credentials.key);
        principal = { ...verified, kind: 'api-key' };
      } else {
        principal = await this.verifyAccessToken(credentials.token);
      }
      outcome.inc({ kind: credentials.kind, outcome: 'ok' });
      return principal;
    } catch (error) {
      outcome.inc({ kind: credentials.kind, outcome: error instanceof AppException ? error.code : 'error' });
      throw error;
    }
  }

  private async verifyAccessToken(token: string): Promise<Principal> {
    let claims: Awaited<ReturnType<typeof verifyAccessToken>>;
    try {
      claims = await verifyAccessToken(token, await this.keyring.current());
    } catch (error) {
      if (!(error instanceof UnknownSigningKeyError)) throw error;
      // Auth may have rotated in a key we have not seen yet: fetch the key set once and retry.
      const refreshed = await this.keyring.refreshForUnknownKey();
      if (!refreshed) throw new AppException(ErrorCode.INVALID_TOKEN, 'Invalid access token');
      claims = await verifyAccessToken(token, refreshed).catch((retryError: unknown) => {
        throw retryError instanceof UnknownSigningKeyError
          ? new AppException(ErrorCode.INVALID_TOKEN, 'Invalid access token')
          : retryError;
      });
    }
    if (await this.revokedTokens.isRevoked(claims.jti)) {
      throw new AppException(ErrorCode.INVALID_TOKEN, 'Access token has been revoked');
    }
    return {
      kind: 'user',
      userId: claims.sub,
      orgId: claims.org,
      roles: claims.roles,
      jti: claims.jti,
      exp: claims.exp,
    };
  }
}
