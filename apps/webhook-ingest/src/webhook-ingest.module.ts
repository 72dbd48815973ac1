import { JobsModule, OutboxModule, PersistenceModule } from '@callfleet/persistence';
import { CallerAuthenticationModule } from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { DevProviderAccountsModule } from './dev-provider-accounts/dev-provider-accounts.module';
import { ProviderAccountsModule } from './provider-accounts/provider-accounts.module';
import { RetentionModule } from './retention/retention.module';
import { RingCentralSubscriptionsModule } from './ringcentral-subscriptions/ringcentral-subscriptions.module';
import { webhookIngestSchema } from './webhook-ingest.schema';
import { WebhooksModule } from './webhooks/webhooks.module';

/** Telephony providers’ door: verifies, deduplicates and durably publishes provider webhooks. */
@Module({
  imports: [
    PersistenceModule.forSchema(webhookIngestSchema),
    JobsModule.forRoot(),
    // No event of webhook-ingest goes through it yet (ingress is published before the 2xx); its
    // table and relay are here so the next one does, and its depth is watched like auth's.
    OutboxModule.forRoot(),
    ProviderAccountsModule,
    WebhooksModule,
    RingCentralSubscriptionsModule,
    RetentionModule,
    DevProviderAccountsModule,
    // Other teams manage provider accounts over NATS with a credential (public commands).
    CallerAuthenticationModule,
  ],
})
export class WebhookIngestModule {}
