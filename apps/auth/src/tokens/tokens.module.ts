import { Module } from '@nestjs/common';
import { AuthConfig } from '../auth.config';
import { AccessTokenService } from './access-token.service';
import { JwksHandlers } from './jwks.handlers';
import { loadSigningKeys, SigningKeySet } from './signing-keys';

@Module({
  controllers: [JwksHandlers],
  providers: [
    {
      provide: SigningKeySet,
      inject: [AuthConfig],
      useFactory: (config: AuthConfig) =>
        loadSigningKeys(config.JWT_KEYS_DIR, { generateIfEmpty: config.NODE_ENV !== 'production' }),
    },
    AccessTokenService,
  ],
  // SigningKeySet too: stream tokens are signed with the same keys, so one JWKS verifies both.
  exports: [AccessTokenService, SigningKeySet],
})
export class TokensModule {}
