import { JobsModule, OutboxModule, PersistenceModule } from '@callfleet/persistence';
import { CallerAuthenticationModule } from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { authSchema } from './auth.schema';
import { EmailVerificationModule } from './email-verification/email-verification.module';
import { PasswordResetModule } from './password-reset/password-reset.module';
import { RegistrationModule } from './registration/registration.module';
import { SessionsModule } from './sessions/sessions.module';
import { StreamTokensModule } from './stream-tokens/stream-tokens.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

/** Identities, organizations, sessions and keys of the fleet; answers only on NATS. */
@Module({
  imports: [
    PersistenceModule.forSchema(authSchema),
    JobsModule.forRoot(),
    OutboxModule.forRoot(),
    TokensModule,
    StreamTokensModule,
    AccountsModule,
    SessionsModule,
    RegistrationModule,
    EmailVerificationModule,
    PasswordResetModule,
    UsersModule,
    ApiKeysModule,
    // Other teams call auth's public commands with a credential. Their API keys are verified the way
    // the gateway verifies them, through auth.v1.api-keys.verify (answered by this service's own
    // queue group), so there is one verification path with one cache and one revocation check.
    CallerAuthenticationModule,
  ],
})
export class AuthModule {}
