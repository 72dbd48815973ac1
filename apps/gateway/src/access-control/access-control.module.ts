import { AuthCommands } from '@callfleet/contracts';
import {
  AccessTokenVerifier,
  Clock,
  JwksKeyring,
  KvStoreService,
  MetricsService,
  NatsRpcClient,
  Revocations,
} from '@callfleet/platform';
import { Module } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { AccessGuard } from './access.guard';
import { ApiKeyVerifier } from './api-key-verifier';
import { AuthenticationGuard } from './authentication.guard';
import { Authenticator } from './authenticator';
import { CredentialsStrategy } from './credentials.strategy';

/** Verified access tokens remembered per replica (each until it expires): about 1 KB each. */
const ACCESS_TOKEN_CACHE_MAX_ENTRIES = 10_000;

/** Who is calling: access tokens verified locally (JWKS), revocations, API keys, and the guards. */
@Module({
  providers: [
    {
      provide: JwksKeyring,
      inject: [NatsRpcClient, GatewayConfig, MetricsService, Clock],
      useFactory: (rpc: NatsRpcClient, config: GatewayConfig, metrics: MetricsService, clock: Clock) =>
        new JwksKeyring(
          {
            fetchKeySet: () => rpc.call(AuthCommands.Jwks, {}),
            refreshIntervalMs: config.JWKS_REFRESH_INTERVAL_MS,
            unknownKeyRefreshMinIntervalMs: config.JWKS_REFRESH_MIN_INTERVAL_MS,
          },
          metrics,
          clock,
        ),
    },
    {
      provide: Revocations,
      inject: [KvStoreService, MetricsService],
      useFactory: (kv: KvStoreService, metrics: MetricsService) => new Revocations(kv, metrics),
    },
    {
      provide: AccessTokenVerifier,
      inject: [JwksKeyring, Revocations],
      useFactory: (keyring: JwksKeyring, revocations: Revocations) =>
        new AccessTokenVerifier(keyring, revocations, { cacheMaxEntries: ACCESS_TOKEN_CACHE_MAX_ENTRIES }),
    },
    ApiKeyVerifier,
    Authenticator,
    CredentialsStrategy,
    AuthenticationGuard,
    AccessGuard,
  ],
  exports: [Revocations, AuthenticationGuard, AccessGuard],
})
export class AccessControlModule {}
