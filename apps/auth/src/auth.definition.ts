import {
  AuthCommands,
  AuthEvents,
  DEFAULT_HTTP_PORTS,
  KvBuckets,
  Streams,
  StreamTokenCommands,
} from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { AuthConfig } from './auth.config';
import { AuthModule } from './auth.module';
import { authSchema } from './auth.schema';

export const authService: ServiceDefinition<AuthConfig> = {
  name: 'auth',
  description: 'Users, organizations, roles, sessions and API keys; signs access tokens and publishes the JWKS.',
  port: DEFAULT_HTTP_PORTS.auth,
  module: AuthModule,
  config: AuthConfig,
  schema: authSchema,
  // Publishes notification-requested and user-registered events.
  streams: [Streams.EVENTS],
  nats: {
    serves: [...Object.values(AuthCommands), ...Object.values(StreamTokenCommands)],
    // Through the outbox.
    publishes: [AuthEvents.USER_REGISTERED, AuthEvents.NOTIFICATION_REQUESTED],
    // Writes a logout's token and a revoked key there.
    kv: [KvBuckets.REVOKED_TOKENS],
  },
  deployment: {
    secrets: [{ env: 'CODE_PEPPER' }, { env: 'SMTP_URL', optional: true }],
    secretDirectory: { env: 'JWT_KEYS_DIR', secret: 'auth-jwt-keys', mountPath: '/var/run/secrets/callfleet/jwt-keys' },
  },
};
