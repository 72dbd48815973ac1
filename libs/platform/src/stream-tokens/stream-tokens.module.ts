import { Module } from '@nestjs/common';
import { JwksKeyring } from '../access-tokens/jwks-keyring';
import { JwksKeyringModule } from '../access-tokens/jwks-keyring.module';
import { Clock } from '../clock/clock';
import { NatsRpcClient } from '../nats/nats-rpc.client';
import { StreamTokenIssuer } from './stream-token-issuer';
import { StreamTokenVerifier } from './stream-token-verifier';

/**
 * StreamTokenVerifier for media-stream. It fetches auth's keys (auth.v1.jwks), so the service declares
 * `nats.calls: [AuthCommands.Jwks]`; the keyring is the one CallerAuthenticationModule uses, if both are imported.
 */
@Module({
  imports: [JwksKeyringModule],
  providers: [
    {
      provide: StreamTokenVerifier,
      inject: [JwksKeyring, Clock],
      useFactory: (keyring: JwksKeyring, clock: Clock) => new StreamTokenVerifier(keyring, clock),
    },
  ],
  exports: [StreamTokenVerifier],
})
export class StreamTokenVerifierModule {}

/** StreamTokenIssuer for call-orchestrator, which declares `nats.calls: [StreamTokenCommands.Issue]`. */
@Module({
  providers: [
    {
      provide: StreamTokenIssuer,
      inject: [NatsRpcClient],
      useFactory: (rpc: NatsRpcClient) => new StreamTokenIssuer(rpc),
    },
  ],
  exports: [StreamTokenIssuer],
})
export class StreamTokenIssuerModule {}
