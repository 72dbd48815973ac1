import { Streams, UserRegistered } from '@callfleet/contracts';
import { isUniqueViolation, JetStreamService } from '@callfleet/platform';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ProviderAccountsService } from '../provider-accounts/provider-accounts.service';
import { WebhookIngestConfig } from '../webhook-ingest.config';

export const DEV_ACCOUNTS_CONSUMER = 'webhook-ingest-dev-provider-accounts';

/**
 * Outside production every new organization gets a ready Twilio-flavoured provider account
 * pointing at the simulator, so a newcomer can place a call before owning any provider account.
 * Driven by `events.auth.v1.user-registered` (a durable consumer, so orgs registered while this
 * service was down get theirs too); a redelivered event finds the account there and does nothing.
 */
@Injectable()
export class DevProviderAccounts implements OnApplicationBootstrap {
  private readonly logger = new Logger('DevProviderAccounts');

  constructor(
    private readonly jetstream: JetStreamService,
    private readonly accounts: ProviderAccountsService,
    private readonly config: WebhookIngestConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { NODE_ENV, DEV_PROVIDER_ACCOUNTS, DEV_PROVIDER_API_BASE_URL, DEV_PROVIDER_ACCOUNT_SID } = this.config;
    if (NODE_ENV === 'production' || !DEV_PROVIDER_ACCOUNTS) return;
    if (!DEV_PROVIDER_API_BASE_URL || !DEV_PROVIDER_ACCOUNT_SID || !this.config.DEV_PROVIDER_AUTH_TOKEN) {
      this.logger.warn('DEV_PROVIDER_* not set: new organizations get no simulator account');
      return;
    }
    // Auth creates the stream too (same spec); whoever starts first makes it.
    await this.jetstream.ensureStream(Streams.EVENTS);
    await this.jetstream.consume({
      event: UserRegistered,
      durable: DEV_ACCOUNTS_CONSUMER,
      handler: (event) => this.provision(event.data.orgId),
    });
  }

  async provision(orgId: string): Promise<void> {
    try {
      const account = await this.accounts.create(
        orgId,
        {
          provider: 'twilio',
          name: 'Telephony simulator (dev)',
          apiBaseUrl: this.config.DEV_PROVIDER_API_BASE_URL,
          credentials: {
            accountSid: this.config.DEV_PROVIDER_ACCOUNT_SID,
            authToken: this.config.DEV_PROVIDER_AUTH_TOKEN,
          },
        },
        { devSimulator: true },
      );
      this.logger.log({ msg: 'simulator provider account created', orgId, accountKey: account.accountKey });
    } catch (error) {
      // The partial unique index allows one simulator account per org: it exists already.
      if (isUniqueViolation(error)) return;
      throw error;
    }
  }
}
