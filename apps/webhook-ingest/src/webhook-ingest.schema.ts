import type { SchemaOptions } from '@callfleet/persistence';
import { WebhookDeliveryLogEntity } from './delivery-log/webhook-delivery-log.entity';
import { CreateIngestSchema1795500000000 } from './migrations/1795500000000-create-ingest-schema';
import { CreateIngestOutbox1795500000001 } from './migrations/1795500000001-create-outbox';
import { DurableJobs1795600000000 } from './migrations/1795600000000-durable-jobs';
import { ProviderRecordingDeletion1795800000000 } from './migrations/1795800000000-provider-recording-deletion';
import { ProcessedWebhookEventEntity } from './processed-events/processed-webhook-event.entity';
import { ProviderAccountEntity } from './provider-accounts/provider-account.entity';
import { ProviderSubscriptionEntity } from './ringcentral-subscriptions/provider-subscription.entity';

/** Webhook ingest's own PostgreSQL schema: its entities and migrations. Shared by the service (migrations at start) and `npm run migrate`. */
export const webhookIngestSchema: SchemaOptions = {
  schema: 'ingest',
  entities: [ProviderAccountEntity, ProcessedWebhookEventEntity, WebhookDeliveryLogEntity, ProviderSubscriptionEntity],
  migrations: [
    CreateIngestSchema1795500000000,
    CreateIngestOutbox1795500000001,
    DurableJobs1795600000000,
    ProviderRecordingDeletion1795800000000,
  ],
};
