import { Module } from '@nestjs/common';
import { AccessGuard } from './access.guard';
import { ApiKeyVerifier } from './api-key-verifier';
import { AuthenticationGuard } from './authentication.guard';
import { Authenticator } from './authenticator';
import { CredentialsStrategy } from './credentials.strategy';
import { JwksKeyring } from './jwks-keyring';
import { RevokedTokens } from './revoked-tokens';

/** Who is calling: access tokens verified locally (JWKS), revoked tokens, API keys, and the guards. */
@Module({
  providers: [
    JwksKeyring,
    RevokedTokens,
    ApiKeyVerifier,
    Authenticator,
    CredentialsStrategy,
    AuthenticationGuard,
    AccessGuard,
  ],
  exports: [RevokedTokens, AuthenticationGuard, AccessGuard],
})
export class AuthenticationModule {}
