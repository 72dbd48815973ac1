import { Module } from '@nestjs/common';
import { AccessTokenVerifier } from '../access-tokens/access-token-verifier';
import { JwksKeyring } from '../access-tokens/jwks-keyring';
import { JwksKeyringModule } from '../access-tokens/jwks-keyring.module';
import { Revocations } from '../access-tokens/revocations';
import { SERVICE_CONFIG } from '../bootstrap/service-definition';
import type { BaseServiceConfig } from '../config/service-config';
import { KvStoreService } from '../kv/kv-store.service';
import { MetricsService } from '../metrics/metrics.service';
import { NatsRpcClient } from '../nats/nats-rpc.client';
import { ApiKeyVerifier } from './api-key-verifier';
import { CallerAuthenticator } from './caller-authenticator';

/** Verified access tokens remembered per replica (each until it expires): about 1 KB each. */
const ACCESS_TOKEN_CACHE_MAX_ENTRIES = 10_000;

/**
 * Who is calling, from the credential they present: access tokens verified locally against auth's
 * published keys (auth.v1.jwks), API keys by auth.v1.api-keys.verify, both against the revoked-tokens
 * bucket. Imported by the gateway (its HTTP API) and by every service that answers public commands
 * (NatsRpcServer authenticates other teams' requests with it); settings from BaseServiceConfig.
 */
@Module({
  imports: [JwksKeyringModule],
  providers: [
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
    {
      provide: ApiKeyVerifier,
      inject: [NatsRpcClient, Revocations, SERVICE_CONFIG],
      useFactory: (rpc: NatsRpcClient, revocations: Revocations, config: BaseServiceConfig) =>
        new ApiKeyVerifier(rpc, revocations, {
          cacheTtlMs: config.API_KEY_CACHE_TTL_MS,
          cacheMaxEntries: config.API_KEY_CACHE_MAX_ENTRIES,
        }),
    },
    {
      provide: CallerAuthenticator,
      inject: [AccessTokenVerifier, ApiKeyVerifier, MetricsService],
      useFactory: (accessTokens: AccessTokenVerifier, apiKeys: ApiKeyVerifier, metrics: MetricsService) =>
        new CallerAuthenticator(accessTokens, apiKeys, metrics),
    },
  ],
  // Revocations too: the gateway records the logouts and key revocations it performs at once.
  exports: [CallerAuthenticator, Revocations],
})
export class CallerAuthenticationModule {}
