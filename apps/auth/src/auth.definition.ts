import { Streams } from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { AuthConfig } from './auth.config';
import { AuthModule } from './auth.module';

export const authService: ServiceDefinition<AuthConfig> = {
  name: 'auth',
  description: 'Users, organizations, roles, sessions and API keys; signs access tokens and publishes the JWKS.',
  module: AuthModule,
  config: AuthConfig,
  // Publishes notification-requested and user-registered events.
  streams: [Streams.EVENTS],
};
