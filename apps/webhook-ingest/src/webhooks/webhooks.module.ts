import { Module } from '@nestjs/common';
import { CallFlowModule } from '../call-flow/call-flow.module';
import { DeliveryLogModule } from '../delivery-log/delivery-log.module';
import { ProcessedEventsModule } from '../processed-events/processed-events.module';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module';
import { PublicUrlModule } from '../public-url/public-url.module';
import { AccountRateLimit } from './account-rate-limit';
import { DeliveryTracker } from './delivery-tracker';
import { EventIngestion } from './event-ingestion.service';
import { IngressPublisher } from './ingress-publisher';
import { WebhookGate } from './webhook-gate';
import { WebhooksController } from './webhooks.controller';

/** The HTTP routes providers call, and everything between their request and our 2xx. */
@Module({
  imports: [ProviderAccountsModule, ProcessedEventsModule, DeliveryLogModule, CallFlowModule, PublicUrlModule],
  controllers: [WebhooksController],
  providers: [DeliveryTracker, EventIngestion, IngressPublisher, WebhookGate, AccountRateLimit],
})
export class WebhooksModule {}
