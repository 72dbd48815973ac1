import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CallsModule } from '../calls/calls.module';
import { ProviderApiModule } from '../provider-api/provider-api.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { ExotelController } from './exotel.controller';
import { ExotelApiAccess } from './exotel-api-access';
import { ExotelCallbacks } from './exotel-callbacks';
import { ExotelNumbersController } from './exotel-numbers.controller';

@Module({
  imports: [AccountsModule, CallsModule, WebhooksModule, ProviderApiModule],
  controllers: [ExotelController, ExotelNumbersController],
  providers: [ExotelCallbacks, ExotelApiAccess],
})
export class ExotelModule {}
