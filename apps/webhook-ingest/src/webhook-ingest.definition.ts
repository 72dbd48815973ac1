import {
  CallCommands,
  DEFAULT_HTTP_PORTS,
  KvBuckets,
  ProviderAccountCommands,
  Streams,
  UserRegistered,
} from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { DEV_ACCOUNTS_CONSUMER } from './dev-provider-accounts/dev-provider-accounts.service';
import { WebhookIngestConfig } from './webhook-ingest.config';
import { WebhookIngestModule } from './webhook-ingest.module';
import { webhookIngestSchema } from './webhook-ingest.schema';
import { keepRawBodies } from './webhooks/raw-body';

const DAY_MS = 24 * 3600 * 1000;

export const webhookIngestService: ServiceDefinition<WebhookIngestConfig> = {
  name: 'webhook-ingest',
  description: 'Telephony providers’ door: verifies, deduplicates and durably publishes provider webhooks.',
  port: DEFAULT_HTTP_PORTS['webhook-ingest'],
  module: WebhookIngestModule,
  config: WebhookIngestConfig,
  schema: webhookIngestSchema,
  streams: [
    {
      ...Streams.INGRESS,
      maxAgeMs: 7 * DAY_MS,
      // Covers providers' retries (Twilio's within seconds, the simulator's within 30 s) with room to
      // spare; repeats after it are caught by processed_webhook_events. JetStream keeps every id of
      // the window in memory, which is why it is not a day.
      duplicateWindowMs: 10 * 60_000,
    },
  ],
  nats: {
    serves: Object.values(ProviderAccountCommands),
    // Asks for a call's flow (TwiML) before answering a provider's voice webhook.
    calls: [CallCommands.Flow],
    publishes: Streams.INGRESS.subjects,
    // Provisions the simulator's account for each new organization (outside production).
    consumes: [{ event: UserRegistered, durable: DEV_ACCOUNTS_CONSUMER }],
    kv: [KvBuckets.WEBHOOK_RATE_LIMITS],
  },
  http: {
    bodyLimitBytes: (config) => config.WEBHOOK_BODY_LIMIT_BYTES,
    configure: (app, config) => keepRawBodies(app, config.WEBHOOK_BODY_LIMIT_BYTES),
  },
  deployment: {
    public: true,
    secrets: [{ env: 'ENCRYPTION_KEYS' }],
    configMap: true,
    // Inside compose, the simulator calls webhook-ingest by its container name and is called by it.
    composeEnvironment: {
      WEBHOOK_PUBLIC_BASE_URL: 'http://webhook-ingest:3001',
      DEV_PROVIDER_API_BASE_URL: 'http://telephony-sim:3900',
    },
  },
};
