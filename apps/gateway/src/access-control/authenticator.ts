import { ErrorCode } from '@callfleet/contracts';
import { AccessTokenVerifier, AppException, MetricsService } from '@callfleet/platform';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { ApiKeyVerifier } from './api-key-verifier';
import { readCredentials } from './credentials';
import type { Principal } from './principal';

/** Turns the credentials a request presents into a Principal, or says why not. */
@Injectable()
export class Authenticator {
  private readonly outcome: Counter<'kind' | 'outcome'>;

  constructor(
    private readonly accessTokens: AccessTokenVerifier,
    private readonly apiKeys: ApiKeyVerifier,
    metrics: MetricsService,
  ) {
    // Looked up once: this runs on every authenticated request.
    this.outcome = metrics.counter(
      'callfleet_gateway_authentications_total',
      'Requests to protected routes by credential kind and outcome (ok or the error code)',
      ['kind', 'outcome'],
    );
  }

  /** The principal, or undefined when the request carries no credentials at all. Throws when they are refused. */
  async authenticate(request: FastifyRequest): Promise<Principal | undefined> {
    const credentials = readCredentials(request.headers);
    const outcome = this.outcome;
    if (credentials.kind === 'none') return undefined;
    try {
      let principal: Principal;
      if (credentials.kind === 'malformed') {
        throw new AppException(ErrorCode.INVALID_TOKEN, 'Unsupported credentials: use a Bearer token or X-API-Key');
      } else if (credentials.kind === 'api-key') {
        const verified = await this.apiKeys.verify(credentials.key);
        principal = { ...verified, kind: 'api-key' };
      } else {
        const claims = await this.accessTokens.verify(credentials.token);
        principal = {
          kind: 'user',
          userId: claims.sub,
          orgId: claims.org,
          roles: claims.roles,
          jti: claims.jti,
          exp: claims.exp,
        };
      }
      outcome.inc({ kind: credentials.kind, outcome: 'ok' });
      return principal;
    } catch (error) {
      outcome.inc({ kind: credentials.kind, outcome: error instanceof AppException ? error.code : 'error' });
      throw error;
    }
  }
}
