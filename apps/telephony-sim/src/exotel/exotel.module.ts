import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CallsModule } from '../calls/calls.module';
import { ProviderApiModule } from '../provider-api/provider-api.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ExotelController } from './exotel.controller';
import { ExotelCallbacks } from './exotel-callbacks';

@Module({
  imports: [AccountsModule, CallsModule, WebhooksModule, ProviderApiModule],
  controllers: [ExotelController],
  providers: [ExotelCallbacks],
})
export class ExotelModule {}
