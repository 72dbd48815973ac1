import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AuthClient } from '../auth-client/auth.client';
import { GatewayConfig } from '../gateway.config';

const BOOT_RETRY_MS = [250, 500, 1_000, 2_000, 5_000];

/**
 * The public keys access tokens are signed with, fetched from auth.v1.jwks. Fetched in the
 * background at start (retrying until auth answers, without holding up boot) or on first need, and
 * again when a token names a key we do not know (rotation), at most once per
 * JWKS_REFRESH_MIN_INTERVAL_MS so a stream of forged `kid`s cannot hammer auth.
 */
@Injectable()
export class JwksKeyring implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jwks');
  private keySet?: JWTVerifyGetKey;
  private inFlight?: Promise<JWTVerifyGetKey>;
  private lastFetchAt = 0;
  private stopped = false;

  constructor(
    private readonly auth: AuthClient,
    private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.fetchUntilAnswered();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private async fetchUntilAnswered(): Promise<void> {
    for (let attempt = 0; !this.stopped && !this.keySet; attempt++) {
      try {
        await this.fetch();
      } catch {
        await new Promise((r) => setTimeout(r, BOOT_RETRY_MS[Math.min(attempt, BOOT_RETRY_MS.length - 1)]).unref());
      }
    }
  }

  /** The current key set, fetched now if we have none yet. */
  async current(): Promise<JWTVerifyGetKey> {
    return this.keySet ?? this.fetch();
  }

  /**
   * Fetches the key set again after a token named an unknown key. Returns undefined when a fetch
   * happened too recently: the key is then really unknown, not just new.
   */
  async refreshForUnknownKey(): Promise<JWTVerifyGetKey | undefined> {
    if (this.inFlight) return this.inFlight;
    if (Date.now() - this.lastFetchAt < this.config.JWKS_REFRESH_MIN_INTERVAL_MS) return undefined;
    return this.fetch();
  }

  private fetch(): Promise<JWTVerifyGetKey> {
    this.inFlight ??= (async () => {
      try {
        this.lastFetchAt = Date.now();
        const jwks = await this.auth.jwks();
        if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0) throw new Error('auth published no keys');
        this.keySet = createLocalJWKSet(jwks as unknown as JSONWebKeySet);
        this.logger.log(`loaded ${jwks.keys.length} signing key(s): ${jwks.keys.map((k) => k.kid).join(', ')}`);
        return this.keySet;
      } catch (error) {
        this.logger.warn(`could not fetch signing keys: ${error instanceof Error ? error.message : String(error)}`);
        if (this.keySet) return this.keySet;
        throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Cannot verify access tokens right now');
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }
}
