import { Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { ExotelModule } from './exotel/exotel.module';
import { RingCentralModule } from './ringcentral/ringcentral.module';
import { TwilioApiModule } from './twilio-api/twilio-api.module';

/** A simulated telephony provider speaking Twilio's, Exotel's and RingCentral's wire formats; state in memory. */
@Module({ imports: [TwilioApiModule, ExotelModule, RingCentralModule, AdminModule] })
export class TelephonySimModule {}
