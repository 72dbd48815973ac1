import {
  AuthCommands,
  CallCommands,
  DEFAULT_HTTP_PORTS,
  DestinationCommands,
  HuntCommands,
  KvBuckets,
  LineCommands,
  ProviderAccountCommands,
  RecordingCommands,
  TargetCommands,
} from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { configureHttpEdge } from './edge/http-edge';
import { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { LIVE_EVENT_FOLLOWS } from './live-events/live-event-selection';

export const gatewayService: ServiceDefinition<GatewayConfig> = {
  name: 'gateway',
  description: 'The public REST API under /api/v1: authentication, rate limits, and the door to the fleet.',
  port: DEFAULT_HTTP_PORTS.gateway,
  module: GatewayModule,
  config: GatewayConfig,
  nats: {
    calls: [
      // Checking callers' credentials.
      AuthCommands.ApiKeyVerify,
      AuthCommands.Jwks,
      // The routes.
      AuthCommands.Register,
      AuthCommands.Login,
      AuthCommands.Refresh,
      AuthCommands.Logout,
      AuthCommands.Me,
      AuthCommands.PasswordResetRequest,
      AuthCommands.PasswordResetConfirm,
      AuthCommands.VerifyEmail,
      AuthCommands.VerifyEmailResend,
      AuthCommands.ApiKeyCreate,
      AuthCommands.ApiKeyList,
      AuthCommands.ApiKeyRevoke,
      AuthCommands.UsersList,
      AuthCommands.UsersInvite,
      ProviderAccountCommands.Create,
      ProviderAccountCommands.List,
      ProviderAccountCommands.Get,
      ProviderAccountCommands.Delete,
      ...Object.values(HuntCommands),
      CallCommands.Create,
      CallCommands.Get,
      CallCommands.List,
      CallCommands.Hangup,
      CallCommands.Digits,
      RecordingCommands.List,
      RecordingCommands.Get,
      RecordingCommands.Url,
      RecordingCommands.ContentLink,
      RecordingCommands.ObjectLink,
      RecordingCommands.Delete,
      RecordingCommands.RetentionGet,
      RecordingCommands.RetentionSet,
      ...Object.values(DestinationCommands),
      ...Object.values(TargetCommands),
      LineCommands.Sync,
      LineCommands.List,
      LineCommands.Update,
    ],
    // Live events for frontends (GET /events): ordered consumers on these filters of EVENTS only.
    follows: LIVE_EVENT_FOLLOWS,
    // Rate-limit counters, the revoked tokens it refuses, and the live events tickets.
    kv: [KvBuckets.RATE_LIMITS, KvBuckets.REVOKED_TOKENS, KvBuckets.EVENT_TICKETS],
  },
  http: {
    bodyLimitBytes: (config) => config.BODY_LIMIT_BYTES,
    configure: configureHttpEdge,
  },
  deployment: { public: true, dependsOn: ['auth'], configMap: true },
};
