import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CallsModule } from '../calls/calls.module';
import { ProviderApiModule } from '../provider-api/provider-api.module';
import { RecordingsModule } from '../recordings/recordings.module';
import { RingCentralModule } from '../ringcentral/ringcentral.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AdminController } from './admin.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiRequestLog } from './api-request-log';
import { WebhookBurstsController } from './webhook-bursts.controller';

@Module({
  imports: [AccountsModule, CallsModule, RecordingsModule, RingCentralModule, ProviderApiModule, WebhooksModule],
  controllers: [AdminController, WebhookBurstsController],
  providers: [AdminTokenGuard, ApiRequestLog],
  exports: [ApiRequestLog],
})
export class AdminModule {}
