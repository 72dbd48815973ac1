import { PersistenceModule } from '@callfleet/persistence';
import { Module } from '@nestjs/common';
import { webhookIngestSchema } from './webhook-ingest.schema';

/** Telephony providers’ door: verifies, deduplicates and durably publishes provider webhooks. Features arrive with later issues; the service already boots, answers discovery, health and metrics. */
@Module({ imports: [PersistenceModule.forSchema(webhookIngestSchema)] })
export class WebhookIngestModule {}
