import type { JwksDto } from '@callfleet/contracts';
import { ErrorCode } from '@callfleet/contracts';
import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../clock/clock';
import { AppException } from '../errors/app.exception';
import type { MetricsService } from '../metrics/metrics.service';

const BOOT_RETRY_MS = [250, 500, 1_000, 2_000, 5_000];

export interface JwksKeyringOptions {
  /** Fetches the published key set (auth.v1.jwks). */
  fetchKeySet: () => Promise<JwksDto>;
  /** The key set is refetched on this schedule, so a key auth stops publishing stops verifying. */
  refreshIntervalMs: number;
  /** A token naming an unknown `kid` triggers a refetch at most this often. */
  unknownKeyRefreshMinIntervalMs: number;
}

/**
 * The public keys access tokens are signed with. Fetched in the background at start (retrying until
 * auth answers, without holding up boot) or on first need, then every `refreshIntervalMs`, and again
 * when a token names a key we do not know (rotation), at most once per
 * `unknownKeyRefreshMinIntervalMs` so a stream of forged `kid`s cannot hammer auth. A failed fetch
 * keeps the key set we have: an auth outage must not log everyone out.
 */
export class JwksKeyring implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jwks');
  private keySet?: JWTVerifyGetKey;
  private inFlight?: Promise<JWTVerifyGetKey>;
  private lastUnknownKeyRefreshAt = 0;
  private loadedKids = '';
  private refreshTimer?: NodeJS.Timeout;
  private stopClockWatch?: () => void;
  private nextScheduledRefreshAt = 0;
  private stopped = false;
  private readonly changeListeners: (() => void)[] = [];

  constructor(
    private readonly options: JwksKeyringOptions,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {
    // Registered at start, not on the first failure, so an alert on it finds the metric.
    this.fetchFailures();
  }

  onApplicationBootstrap(): void {
    void this.fetchUntilAnswered();
    const interval = this.options.refreshIntervalMs;
    this.nextScheduledRefreshAt = this.clock.nowMs() + interval;
    // The schedule follows the service's clock: real time looks a tenth of the interval at a time,
    // and a test that moves its clock is answered at once.
    this.refreshTimer = setInterval(() => this.refreshWhenDue(), interval / 10).unref();
    this.stopClockWatch = this.clock.onJump(() => this.refreshWhenDue());
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.refreshTimer);
    this.stopClockWatch?.();
  }

  private refreshWhenDue(): void {
    const now = this.clock.nowMs();
    if (now < this.nextScheduledRefreshAt) return;
    this.nextScheduledRefreshAt = now + this.options.refreshIntervalMs;
    this.refreshOnSchedule();
  }

  /** Calls `listener` whenever the published keys change (rotated in or retired). */
  onKeysChanged(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  private fetchFailures() {
    return this.metrics.counter(
      'callfleet_jwks_fetch_failures_total',
      'Signing key set fetches from auth that failed (the previous key set stays in use)',
    );
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

  /** Until the first key set arrives, fetchUntilAnswered owns fetching. */
  private refreshOnSchedule(): void {
    if (this.stopped || !this.keySet) return;
    // With a key set in hand fetch() does not reject: a failure keeps the old set (logged and counted).
    void this.fetch().catch(() => undefined);
  }

  /** The current key set, fetched now if we have none yet. */
  async current(): Promise<JWTVerifyGetKey> {
    return this.keySet ?? this.fetch();
  }

  /**
   * Fetches the key set again after a token named an unknown key. Returns undefined when an unknown
   * key made us fetch too recently: the key is then really unknown, not just new.
   */
  async refreshForUnknownKey(): Promise<JWTVerifyGetKey | undefined> {
    if (this.inFlight) return this.inFlight;
    // Only refreshes a token asked for count: the scheduled ones are not an attacker's doing.
    const now = this.clock.nowMs();
    if (now - this.lastUnknownKeyRefreshAt < this.options.unknownKeyRefreshMinIntervalMs) return undefined;
    this.lastUnknownKeyRefreshAt = now;
    return this.fetch();
  }

  private fetch(): Promise<JWTVerifyGetKey> {
    this.inFlight ??= (async () => {
      try {
        const jwks = await this.options.fetchKeySet();
        if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0) throw new Error('auth published no keys');
        this.keySet = createLocalJWKSet(jwks as unknown as JSONWebKeySet);
        const kids = jwks.keys.map((k) => k.kid).join(', ');
        // Scheduled refreshes mostly find the same keys: log (and tell) changes only.
        if (kids !== this.loadedKids) {
          this.logger.log(`loaded ${jwks.keys.length} signing key(s): ${kids}`);
          this.loadedKids = kids;
          for (const listener of this.changeListeners) listener();
        }
        return this.keySet;
      } catch (error) {
        this.fetchFailures().inc();
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
