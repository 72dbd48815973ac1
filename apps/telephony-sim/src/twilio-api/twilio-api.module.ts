import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CallsModule } from '../calls/calls.module';
import { ProviderApiModule } from '../provider-api/provider-api.module';
import { RecordingsModule } from '../recordings/recordings.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { TwilioApiController } from './twilio-api.controller';
import { TwilioCallbacks } from './twilio-callbacks';

@Module({
  imports: [AccountsModule, CallsModule, WebhooksModule, ProviderApiModule, RecordingsModule],
  controllers: [TwilioApiController],
  providers: [TwilioCallbacks],
})
export class TwilioApiModule {}
