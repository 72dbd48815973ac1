import { ErrorCode, KvBuckets } from '@callfleet/contracts';
import { AppException, KvStoreService, MetricsService, withTimeout } from '@callfleet/platform';
import type { KV, KvWatchEntry } from '@nats-io/kv';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/** Same options as auth uses for the bucket (an access token lives 15 min; entries outlive it a little). */
export const REVOKED_TOKENS_BUCKET_TTL_MS = 20 * 60 * 1000;
const RESTART_DELAY_MS = 1_000;
const DIRECT_LOOKUP_TIMEOUT_MS = 1_000;
const PRUNE_INTERVAL_MS = 60_000;

/**
 * Revoked access-token ids (jti), kept in memory so the check costs nothing per request. The KV
 * bucket auth writes on logout is watched; every replica learns of a logout through it. The replica
 * that handled the logout adds the jti itself at once, so the very next request is refused.
 * Until the watch has delivered the bucket's existing entries (start, restart after a broker outage),
 * a token not known to be revoked is looked up in KV directly.
 */
@Injectable()
export class RevokedTokens implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RevokedTokens');
  /** jti → expiry of the token (epoch seconds); an entry is useless once the token has expired. */
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
    return this.kv.bucket(KvBuckets.REVOKED_TOKENS, { ttlMs: REVOKED_TOKENS_BUCKET_TTL_MS });
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

  /** Records a revocation this replica performed (logout), before the watch reports it. */
  add(jti: string, exp: number): void {
    this.revoked.set(jti, exp);
  }

  async isRevoked(jti: string): Promise<boolean> {
    if (this.revoked.has(jti)) return true;
    if (this.synced) return false;
    // Fail closed: without the list we cannot tell a logged-out token from a live one.
    try {
      const entry = await withTimeout(
        this.bucket().then((kv) => kv.get(jti)),
        DIRECT_LOOKUP_TIMEOUT_MS,
        'revoked tokens',
      );
      return entry?.operation === 'PUT';
    } catch {
      this.metrics
        .counter('callfleet_gateway_revocation_lookup_failures_total', 'Revocation checks that could not reach NATS KV')
        .inc();
      throw new AppException(ErrorCode.SERVICE_UNAVAILABLE, 'Cannot verify access tokens right now');
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

  private apply(entry: KvWatchEntry): void {
    this.lastRevision = Math.max(this.lastRevision, entry.revision);
    // A deleted entry does not un-revoke a token; entries just expire with the bucket TTL.
    if (entry.operation !== 'PUT') return;
    const exp = Number(entry.string());
    const fallbackExp = Math.ceil(Date.now() / 1000) + REVOKED_TOKENS_BUCKET_TTL_MS / 1000;
    this.revoked.set(entry.key, Number.isFinite(exp) && exp > 0 ? exp : fallbackExp);
  }

  private prune(): void {
    const now = Date.now() / 1000;
    for (const [jti, exp] of this.revoked) if (exp < now) this.revoked.delete(jti);
  }
}
