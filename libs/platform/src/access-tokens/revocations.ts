import { ErrorCode, KvBuckets, REVOKED_TOKENS_TTL_MS, revokedApiKeyEntry } from '@callfleet/contracts';
import type { KV, KvWatchEntry } from '@nats-io/kv';
import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppException } from '../errors/app.exception';
import { withTimeout } from '../health/dependency-health';
import type { KvStoreService } from '../kv/kv-store.service';
import type { MetricsService } from '../metrics/metrics.service';

const RESTART_DELAY_MS = 1_000;
const DIRECT_LOOKUP_TIMEOUT_MS = 1_000;
const PRUNE_INTERVAL_MS = 60_000;

/**
 * Revoked credentials (access-token `jti`s, API keys), kept in memory so the check costs nothing per
 * request. The KV bucket auth writes on logout and on revoking a key is watched, so every replica
 * learns of a revocation within moments. The replica that handled the revocation adds it itself at
 * once, so its very next request is refused. Until the watch has delivered the bucket's existing
 * entries (start, restart after a broker outage), a credential not known to be revoked is looked up
 * in KV directly, and an unreachable KV fails closed.
 */
export class Revocations implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Revocations');
  /** Entry → when it stops mattering (epoch seconds): a token's expiry, or the bucket TTL. */
  private readonly revoked = new Map<string, number>();
  private synced = false;
  private lastRevision = 0;
  private stopped = false;
  private watcher?: { stop(): void };
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly kv: KvStoreService,
    private readonly metrics: MetricsService,
  ) {}

  private bucket(): Promise<KV> {
    return this.kv.bucket(KvBuckets.REVOKED_TOKENS, { ttlMs: REVOKED_TOKENS_TTL_MS });
  }

  onApplicationBootstrap(): void {
    void this.watchForever();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.watcher?.stop();
    clearInterval(this.pruneTimer);
  }

  /** Records a logout this replica performed, before the watch reports it. */
  addToken(jti: string, exp: number): void {
    this.revoked.set(jti, exp);
  }

  /** Records an API key revocation this replica performed, before the watch reports it. */
  addApiKey(apiKeyId: string): void {
    this.revoked.set(revokedApiKeyEntry(apiKeyId), this.bucketExpiry());
  }

  isTokenRevoked(jti: string): Promise<boolean> {
    return this.isRevoked(jti);
  }

  isApiKeyRevoked(apiKeyId: string): Promise<boolean> {
    return this.isRevoked(revokedApiKeyEntry(apiKeyId));
  }

  private async isRevoked(entry: string): Promise<boolean> {
    if (this.revoked.has(entry)) return true;
    if (this.synced) return false;
    // Fail closed: without the list we cannot tell a revoked credential from a live one.
    try {
      const found = await withTimeout(
        this.bucket().then((kv) => kv.get(entry)),
        DIRECT_LOOKUP_TIMEOUT_MS,
        'revoked tokens',
      );
      return found?.operation === 'PUT';
    } catch {
      this.metrics
        .counter('callfleet_revocation_lookup_failures_total', 'Revocation checks that could not reach NATS KV')
        .inc();
      throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Cannot verify credentials right now');
    }
  }

  private async watchForever(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.watchOnce();
      } catch (error) {
        if (!this.stopped) this.logger.warn(`watch of revoked tokens failed: ${String(error)}`);
      }
      this.synced = false;
      if (!this.stopped) await new Promise((r) => setTimeout(r, RESTART_DELAY_MS).unref());
    }
  }

  private async watchOnce(): Promise<void> {
    const kv = await this.bucket();
    const entries = await kv.watch(this.lastRevision > 0 ? { resumeFromRevision: this.lastRevision + 1 } : {});
    this.watcher = entries;
    // The watch marks the last of the existing entries (or the first new one, if there were none) as
    // an update; an empty bucket sends nothing at all, so ask whether there is anything to wait for.
    if ((await kv.status()).values === 0) this.synced = true;
    for await (const entry of entries) {
      this.apply(entry);
      if (entry.isUpdate) this.synced = true;
    }
  }

  private bucketExpiry(): number {
    return Math.ceil(Date.now() / 1000) + REVOKED_TOKENS_TTL_MS / 1000;
  }

  private apply(entry: KvWatchEntry): void {
    this.lastRevision = Math.max(this.lastRevision, entry.revision);
    // A deleted entry does not un-revoke anything; entries just expire with the bucket TTL.
    if (entry.operation !== 'PUT') return;
    const exp = Number(entry.string());
    this.revoked.set(entry.key, Number.isFinite(exp) && exp > 0 ? exp : this.bucketExpiry());
  }

  private prune(): void {
    const now = Date.now() / 1000;
    for (const [entry, exp] of this.revoked) if (exp < now) this.revoked.delete(entry);
  }
}
