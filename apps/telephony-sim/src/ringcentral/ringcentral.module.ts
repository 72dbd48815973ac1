import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CallsModule } from '../calls/calls.module';
import { ProviderApiModule } from '../provider-api/provider-api.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { RingCentralController } from './ringcentral.controller';
import { RingCentralNotifications } from './ringcentral-notifications';
import { SubscriptionsService } from './subscriptions.service';

@Module({
  imports: [AccountsModule, CallsModule, WebhooksModule, ProviderApiModule],
  controllers: [RingCentralController],
  providers: [SubscriptionsService, RingCentralNotifications],
  exports: [SubscriptionsService],
})
export class RingCentralModule {}
