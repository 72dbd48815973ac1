import { DEFAULT_HTTP_PORTS } from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { configureHttpEdge } from './edge/http-edge';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

export const gatewayService: ServiceDefinition<GatewayConfig> = {
  name: 'gateway',
  description: 'The public REST API under /api/v1: authentication, rate limits, and the door to the fleet.',
  port: DEFAULT_HTTP_PORTS.gateway,
  module: GatewayModule,
  config: GatewayConfig,
  http: {
    bodyLimitBytes: (config) => config.BODY_LIMIT_BYTES,
    configure: configureHttpEdge,
  },
  deployment: { public: true, dependsOn: ['auth'], configMap: true },
};
