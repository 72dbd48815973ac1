import { PersistenceModule } from '@callfleet/persistence';
import { Module } from '@nestjs/common';

/** Telephony providers’ door: verifies, deduplicates and durably publishes provider webhooks. Features arrive with later issues; the service already boots, answers discovery, health and metrics. */
@Module({ imports: [PersistenceModule.forSchema({ schema: 'ingest', entities: [], migrations: [] })] })
export class WebhookIngestModule {}
