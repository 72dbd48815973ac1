import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access-control/access.guard';
import { AccessControlModule } from './access-control/access-control.module';
import { AuthenticationGuard } from './access-control/authentication.guard';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthRoutesModule } from './auth/auth.module';
import { CallsModule } from './calls/calls.module';
import { DestinationsModule } from './destinations/destinations.module';
import { HuntsModule } from './hunts/hunts.module';
import { LinesModule } from './lines/lines.module';
import { LiveEventsModule } from './live-events/live-events.module';
import { ProviderAccountsModule } from './provider-accounts/provider-accounts.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RecordingsModule } from './recordings/recordings.module';
import { TargetsModule } from './targets/targets.module';
import { UsersModule } from './users/users.module';

/** The public REST API: authenticates callers, limits them, and forwards to the services over NATS. */
@Module({
  imports: [
    AccessControlModule,
    RateLimitModule,
    AuthRoutesModule,
    ApiKeysModule,
    UsersModule,
    ProviderAccountsModule,
    RecordingsModule,
    HuntsModule,
    CallsModule,
    LinesModule,
    DestinationsModule,
    TargetsModule,
    LiveEventsModule,
  ],
  providers: [
    // Global guards run in this order: find out who calls, count the call, then allow or refuse it.
    { provide: APP_GUARD, useExisting: AuthenticationGuard },
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    { provide: APP_GUARD, useExisting: AccessGuard },
  ],
})
export class GatewayModule {}
