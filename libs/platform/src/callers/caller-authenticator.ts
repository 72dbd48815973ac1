import { ErrorCode } from '@callfleet/contracts';
import type { Counter } from 'prom-client';
import type { AccessTokenVerifier } from '../access-tokens/access-token-verifier';
import { AppException } from '../errors/app.exception';
import type { MetricsService } from '../metrics/metrics.service';
import type { ApiKeyVerifier } from './api-key-verifier';
import type { PresentedCredentials } from './credentials';
import type { Principal } from './principal';

/**
 * Turns the credentials a caller presents into a Principal, or says why not: the one check behind
 * the gateway's HTTP API and the public commands other teams send over NATS. Access tokens are
 * verified locally against auth's published keys, API keys by auth (remembered for a while);
 * both are checked against the revocations on every call.
 */
export class CallerAuthenticator {
  private readonly outcome: Counter<'kind' | 'outcome'>;

  constructor(
    private readonly accessTokens: AccessTokenVerifier,
    private readonly apiKeys: ApiKeyVerifier,
    metrics: MetricsService,
  ) {
    // Looked up once: this runs on every authenticated request.
    this.outcome = metrics.counter(
      'callfleet_authentications_total',
      'Credential checks by credential kind and outcome (ok or the error code)',
      ['kind', 'outcome'],
    );
  }

  /** The principal, or undefined when no credentials were presented at all. Throws when they are refused. */
  async authenticate(credentials: PresentedCredentials): Promise<Principal | undefined> {
    if (credentials.kind === 'none') return undefined;
    try {
      const principal = await this.verify(credentials);
      this.outcome.inc({ kind: credentials.kind, outcome: 'ok' });
      return principal;
    } catch (error) {
      this.outcome.inc({ kind: credentials.kind, outcome: error instanceof AppException ? error.code : 'error' });
      throw error;
    }
  }

  private async verify(credentials: Exclude<PresentedCredentials, { kind: 'none' }>): Promise<Principal> {
    if (credentials.kind === 'malformed') {
      throw new AppException(ErrorCode.INVALID_TOKEN, 'Unsupported credentials: send Bearer <access token or API key>');
    }
    if (credentials.kind === 'api-key') {
      return { ...(await this.apiKeys.verify(credentials.key)), kind: 'api-key' };
    }
    const claims = await this.accessTokens.verify(credentials.token);
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
