import { CallerAuthenticationModule } from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { EventTicketsModule } from '../live-events/event-tickets.module';
import { AccessGuard } from './access.guard';
import { AuthenticationGuard } from './authentication.guard';
import { CredentialsStrategy } from './credentials.strategy';

/**
 * Who is calling the HTTP API: the platform's CallerAuthenticator (the same check other teams' NATS
 * requests get) behind Passport and the gateway's guards.
 */
@Module({
  imports: [CallerAuthenticationModule, EventTicketsModule],
  providers: [CredentialsStrategy, AuthenticationGuard, AccessGuard],
  exports: [CallerAuthenticationModule, AuthenticationGuard, AccessGuard],
})
export class AccessControlModule {}
