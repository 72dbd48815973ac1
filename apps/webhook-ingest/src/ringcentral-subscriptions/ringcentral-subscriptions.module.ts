import { MetricsService } from '@callfleet/platform';
import { ProviderPolicyRegistry } from '@callfleet/resilience';
import { Module } from '@nestjs/common';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module';
import { PublicUrlModule } from '../public-url/public-url.module';
import { RingCentralSubscriptionClient } from './ringcentral-subscription.client';
import { RingCentralSubscriptionsService } from './ringcentral-subscriptions.service';

/** RingCentral WebHook subscriptions, created and renewed by one durable job per account. */
@Module({
  imports: [ProviderAccountsModule, PublicUrlModule],
  providers: [
    RingCentralSubscriptionsService,
    // One registry per process: one breaker per provider account, as the adapters have.
    {
      provide: ProviderPolicyRegistry,
      useFactory: (metrics: MetricsService) => new ProviderPolicyRegistry(metrics),
      inject: [MetricsService],
    },
    {
      provide: RingCentralSubscriptionClient,
      useFactory: (policies: ProviderPolicyRegistry) => new RingCentralSubscriptionClient(policies),
      inject: [ProviderPolicyRegistry],
    },
  ],
  exports: [RingCentralSubscriptionsService],
})
export class RingCentralSubscriptionsModule {}
