import { WebhookRoutes } from '@callfleet/contracts';
import { AppException, MetricsService } from '@callfleet/platform';
import { UpstreamHttpError } from '@callfleet/resilience';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ProviderAccountsService, type ResolvedAccount } from '../provider-accounts/provider-accounts.service';
import { PublicBaseUrl } from '../public-url/public-base-url';
import { WebhookIngestConfig } from '../webhook-ingest.config';
import { ProviderSubscriptionEntity } from './provider-subscription.entity';
import { renewalDueAt, retryDelayMs } from './renewal-schedule';
import { RingCentralSubscriptionClient } from './ringcentral-subscription.client';

/** Any constant: one replica at a time talks to RingCentral about subscriptions. */
const SUBSCRIPTIONS_LOCK_KEY = 7_300_100_002;
const MAX_RETRY_DELAY_MS = 5 * 60_000;

/**
 * Keeps a WebHook subscription alive for every RingCentral account: created when the account is,
 * renewed once RINGCENTRAL_RENEW_AT_REMAINING_FRACTION of its lifetime is left, created anew when
 * RingCentral no longer knows it. A failed attempt is retried with a growing delay and counted in
 * `callfleet_ringcentral_subscription_renewal_failures_total`; `callfleet_ringcentral_subscription_expiry_seconds`
 * tells how long each subscription has left, so an alert fires well before notifications stop.
 */
@Injectable()
export class RingCentralSubscriptionsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RingCentralSubscriptions');
  private readonly subscriptions: Repository<ProviderSubscriptionEntity>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: ProviderAccountsService,
    private readonly client: RingCentralSubscriptionClient,
    private readonly publicUrl: PublicBaseUrl,
    private readonly config: WebhookIngestConfig,
    private readonly metrics: MetricsService,
  ) {
    this.subscriptions = dataSource.getRepository(ProviderSubscriptionEntity);
    // Registered at start, not on the first failure, so the renewal alert finds the metric.
    this.renewalFailures();
    this.expiryGauge();
  }

  onApplicationBootstrap(): void {
    this.accounts.listen({
      created: (account) => {
        if (account.provider === 'ringcentral') this.kick();
      },
      deleting: (account) => this.unsubscribe(account),
    });
    this.timer = setInterval(() => this.kick(), this.config.RINGCENTRAL_SUBSCRIPTION_CHECK_MS).unref();
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a check now (or right after the one under way). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.checkUnderLock()
      .catch((error: unknown) => this.logger.error(`subscription check failed: ${String(error)}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Waits for the check under way, if any (tests). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async checkUnderLock(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [SUBSCRIPTIONS_LOCK_KEY]);
      if (!locked) return;
      try {
        await this.check();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [SUBSCRIPTIONS_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  private async check(): Promise<void> {
    // Accounts created on another replica, or before a crash, get their row here.
    await this.dataSource.query(
      `INSERT INTO ingest.provider_subscriptions (account_id, status, next_attempt_at, updated_at)
       SELECT id, 'pending', now(), now() FROM ingest.provider_accounts WHERE provider = 'ringcentral'
       ON CONFLICT (account_id) DO NOTHING`,
    );
    const rows = await this.subscriptions.find();
    const accounts = new Map(
      (
        await this.accounts.allOf(
          'ringcentral',
          rows.map((r) => r.accountId),
        )
      ).map((a) => [a.id, a]),
    );
    const now = Date.now();
    for (const row of rows) {
      const account = accounts.get(row.accountId);
      if (!account) continue;
      if (row.nextAttemptAt.getTime() <= now) await this.refresh(row, account);
      this.exportExpiry(row, account);
    }
  }

  private async refresh(row: ProviderSubscriptionEntity, account: ResolvedAccount): Promise<void> {
    const grantedAt = Date.now();
    try {
      const subscription = await this.renewOrCreate(row, account);
      Object.assign(row, {
        subscriptionId: subscription.id,
        status: 'active',
        expiresAt: subscription.expiresAt,
        failures: 0,
        lastError: null,
        nextAttemptAt: new Date(
          renewalDueAt(
            grantedAt,
            subscription.expiresAt.getTime(),
            this.config.RINGCENTRAL_RENEW_AT_REMAINING_FRACTION,
          ),
        ),
      });
    } catch (error) {
      const failures = row.failures + 1;
      this.renewalFailures().inc({ account: account.accountKey });
      const message = error instanceof AppException ? error.message : 'unexpected error';
      this.logger.warn(`subscription of ${account.accountKey} not renewed (attempt ${failures}): ${String(error)}`);
      Object.assign(row, {
        status: 'failing',
        failures,
        lastError: message.slice(0, 500),
        nextAttemptAt: new Date(
          Date.now() + retryDelayMs(failures, this.config.RINGCENTRAL_RETRY_BASE_MS, MAX_RETRY_DELAY_MS),
        ),
      });
    }
    row.updatedAt = new Date();
    await this.subscriptions.save(row);
  }

  private async renewOrCreate(row: ProviderSubscriptionEntity, account: ResolvedAccount) {
    if (row.subscriptionId && row.expiresAt && row.expiresAt.getTime() > Date.now()) {
      try {
        return await this.client.renew(account.adapterAccount, row.subscriptionId);
      } catch (error) {
        // RingCentral forgot it (deleted, or expired early): make a new one.
        if (!(error instanceof UpstreamHttpError && error.upstreamStatus === 404)) throw error;
      }
    }
    const verificationToken = account.webhookSecrets.verificationToken;
    if (!verificationToken) throw new Error(`account ${account.accountKey} has no verification token`);
    return this.client.create(account.adapterAccount, {
      address: `${this.publicUrl.get()}${WebhookRoutes.ringcentral(account.accountKey)}`,
      verificationToken,
      expiresInSeconds: this.config.RINGCENTRAL_SUBSCRIPTION_TTL_SECONDS,
    });
  }

  private renewalFailures() {
    return this.metrics.counter(
      'callfleet_ringcentral_subscription_renewal_failures_total',
      'Failed attempts to create or renew a RingCentral WebHook subscription, by account',
      ['account'],
    );
  }

  private expiryGauge() {
    return this.metrics.gauge(
      'callfleet_ringcentral_subscription_expiry_seconds',
      'Seconds until the RingCentral WebHook subscription of an account expires (0: none)',
      ['account'],
    );
  }

  private exportExpiry(row: ProviderSubscriptionEntity, account: ResolvedAccount): void {
    const secondsLeft = row.expiresAt ? Math.max(0, (row.expiresAt.getTime() - Date.now()) / 1000) : 0;
    this.expiryGauge().set({ account: account.accountKey }, Math.round(secondsLeft));
  }

  /** Best effort: RingCentral stops calling a deleted account; an expired subscription would anyway. */
  private async unsubscribe(account: ResolvedAccount): Promise<void> {
    if (account.provider !== 'ringcentral') return;
    const row = await this.subscriptions.findOne({ where: { accountId: account.id } });
    this.expiryGauge().remove({ account: account.accountKey });
    if (row?.subscriptionId) await this.client.delete(account.adapterAccount, row.subscriptionId);
  }
}
