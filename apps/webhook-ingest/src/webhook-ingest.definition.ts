import type { ServiceDefinition } from '@callfleet/platform';
import { WebhookIngestConfig } from './webhook-ingest.config';
import { WebhookIngestModule } from './webhook-ingest.module';

export const webhookIngestService: ServiceDefinition<WebhookIngestConfig> = {
  name: 'webhook-ingest',
  description: 'Telephony providers’ door: verifies, deduplicates and durably publishes provider webhooks.',
  module: WebhookIngestModule,
  config: WebhookIngestConfig,
};
