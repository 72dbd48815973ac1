import { AuthCommands } from '@callfleet/contracts';
import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '../bootstrap/service-definition';
import { Clock } from '../clock/clock';
import type { BaseServiceConfig } from '../config/service-config';
import { MetricsService } from '../metrics/metrics.service';
import { NatsRpcClient } from '../nats/nats-rpc.client';
import { JwksKeyring } from './jwks-keyring';

/**
 * auth's published signing keys (auth.v1.jwks), one keyring per service: access tokens
 * (CallerAuthenticationModule) and stream tokens (StreamTokenVerifierModule) are signed with the same keys,
 * so a service verifying both fetches and refreshes them once.
 */
@Module({
  providers: [
    {
      provide: JwksKeyring,
      inject: [NatsRpcClient, SERVICE_CONFIG, MetricsService, Clock],
      useFactory: (rpc: NatsRpcClient, config: BaseServiceConfig, metrics: MetricsService, clock: Clock) =>
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
  ],
  exports: [JwksKeyring],
})
export class JwksKeyringModule {}
