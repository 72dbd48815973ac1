import { WebhookRoutes } from '@callfleet/contracts';
import { type JobContext, JobHandler, type JobOutcome, JobScheduler } from '@callfleet/persistence';
import { AppException, Clock, MetricsService } from '@callfleet/platform';
import { UpstreamHttpError } from '@callfleet/resilience';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { ProviderAccountsService, type ResolvedAccount } from '../provider-accounts/provider-accounts.service';
import { PublicBaseUrl } from '../public-url/public-base-url';
import { WebhookIngestConfig } from '../webhook-ingest.config';
import { ProviderSubscriptionEntity } from './provider-subscription.entity';
import { renewalDueAt } from './renewal-schedule';
import { RingCentralSubscriptionClient } from './ringcentral-subscription.client';

export const SUBSCRIPTION_RENEWAL_JOB = 'webhook-ingest.ringcentral-subscription-renewal';

interface RenewalPayload {
  accountId: string;
}

const renewalKey = (accountId: string) => `${SUBSCRIPTION_RENEWAL_JOB}:${accountId}`;
const EXPIRY_GAUGE = 'callfleet_ringcentral_subscription_expiry_seconds';

/**
 * Keeps a WebHook subscription alive for every RingCentral account, as one durable job per account
 * (scheduled in the account's own transaction): it creates the subscription, then reschedules
 * itself for when RINGCENTRAL_RENEW_AT_REMAINING_FRACTION of the lifetime is left, and creates
 * anew when RingCentral no longer knows it. A failed attempt is retried by the job layer with
 * backoff (at most 5 minutes apart, until it succeeds) and counted in
 * `callfleet_ringcentral_subscription_renewal_failures_total`; `callfleet_ringcentral_subscription_expiry_seconds`
 * tells how long each subscription has left, so an alert fires well before notifications stop.
 */
@Injectable()
export class RingCentralSubscriptionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('RingCentralSubscriptions');
  private readonly subscriptions: Repository<ProviderSubscriptionEntity>;
  private readonly renewalFailures;

  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: ProviderAccountsService,
    private readonly client: RingCentralSubscriptionClient,
    private readonly publicUrl: PublicBaseUrl,
    private readonly config: WebhookIngestConfig,
    private readonly scheduler: JobScheduler,
    private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    this.subscriptions = dataSource.getRepository(ProviderSubscriptionEntity);
    // Registered at start, not on the first failure, so the renewal alert finds the metric.
    this.renewalFailures = metrics.counter(
      'callfleet_ringcentral_subscription_renewal_failures_total',
      'Failed attempts to create or renew a RingCentral WebHook subscription, by account',
      ['account'],
    );
    this.registerExpiryGauge(metrics);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.accounts.listen({
      created: async (account, manager) => {
        if (account.provider === 'ringcentral') await this.scheduleRenewal(account.id, manager);
      },
      deleting: (account) => this.unsubscribe(account),
    });
    // Accounts from before renewals were durable jobs get theirs (a no-op for every other one).
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM ingest.provider_accounts WHERE provider = 'ringcentral'`,
    );
    for (const { id } of rows) await this.scheduleRenewal(id);
  }

  private scheduleRenewal(accountId: string, manager?: EntityManager): Promise<boolean> {
    return this.scheduler.schedule(SUBSCRIPTION_RENEWAL_JOB, this.clock.now(), { accountId } satisfies RenewalPayload, {
      key: renewalKey(accountId),
      manager,
    });
  }

  /**
   * Not in one transaction with its job: it waits on RingCentral, and repeating it is harmless (a
   * renewal renews again). Throwing hands the retry to the job layer.
   */
  @JobHandler(SUBSCRIPTION_RENEWAL_JOB, {
    maxAttempts: Number.POSITIVE_INFINITY,
    backoff: { baseDelayMs: 5_000, maxDelayMs: 5 * 60_000 },
    transactional: false,
  })
  async renew({ accountId }: RenewalPayload, { now, attempt }: JobContext): Promise<JobOutcome | undefined> {
    const account = await this.accounts.byId(accountId);
    if (account?.provider !== 'ringcentral') return undefined; // deleted: nothing left to renew
    const row = (await this.subscriptions.findOne({ where: { accountId } })) ?? this.pendingRow(accountId);
    try {
      const subscription = await this.renewOrCreate(row, account, now);
      await this.subscriptions.save(
        Object.assign(row, {
          subscriptionId: subscription.id,
          status: 'active',
          expiresAt: subscription.expiresAt,
          lastError: null,
          updatedAt: this.clock.now(),
        }),
      );
      const dueAt = renewalDueAt(
        now.getTime(),
        subscription.expiresAt.getTime(),
        this.config.RINGCENTRAL_RENEW_AT_REMAINING_FRACTION,
      );
      return { runAgainAt: new Date(dueAt) };
    } catch (error) {
      this.renewalFailures.inc({ account: account.accountKey });
      const message = error instanceof AppException ? error.message : 'unexpected error';
      this.logger.warn(`subscription of ${account.accountKey} not renewed (attempt ${attempt}): ${String(error)}`);
      await this.subscriptions.save(
        Object.assign(row, { status: 'failing', lastError: message.slice(0, 500), updatedAt: this.clock.now() }),
      );
      throw error;
    }
  }

  private pendingRow(accountId: string): ProviderSubscriptionEntity {
    return this.subscriptions.create({
      accountId,
      subscriptionId: null,
      status: 'pending',
      expiresAt: null,
      lastError: null,
      updatedAt: this.clock.now(),
    });
  }

  private async renewOrCreate(row: ProviderSubscriptionEntity, account: ResolvedAccount, now: Date) {
    if (row.subscriptionId && row.expiresAt && row.expiresAt.getTime() > now.getTime()) {
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

  /** Read at each scrape, so it counts down between renewals days apart (0: no subscription yet). */
  private registerExpiryGauge(metrics: MetricsService): void {
    if (metrics.registry.getSingleMetric(EXPIRY_GAUGE)) return;
    const dataSource = this.dataSource;
    const clock = this.clock;
    new Gauge({
      name: EXPIRY_GAUGE,
      help: 'Seconds until the RingCentral WebHook subscription of an account expires (0: none)',
      labelNames: ['account'],
      registers: [metrics.registry],
      async collect() {
        if (!dataSource.isInitialized) return;
        const rows: { account_key: string; expires_at: Date | null }[] = await dataSource
          .query(
            `SELECT a.account_key, s.expires_at FROM ingest.provider_accounts a
             LEFT JOIN ingest.provider_subscriptions s ON s.account_id = a.id WHERE a.provider = 'ringcentral'`,
          )
          .catch(() => []);
        this.reset();
        for (const row of rows) {
          const secondsLeft = row.expires_at ? Math.max(0, (row.expires_at.getTime() - clock.nowMs()) / 1000) : 0;
          this.set({ account: row.account_key }, Math.round(secondsLeft));
        }
      },
    });
  }

  /** Best effort: RingCentral stops calling a deleted account; an expired subscription would anyway. */
  private async unsubscribe(account: ResolvedAccount): Promise<void> {
    if (account.provider !== 'ringcentral') return;
    await this.scheduler.cancel(renewalKey(account.id));
    const row = await this.subscriptions.findOne({ where: { accountId: account.id } });
    if (row?.subscriptionId) await this.client.delete(account.adapterAccount, row.subscriptionId);
  }
}
