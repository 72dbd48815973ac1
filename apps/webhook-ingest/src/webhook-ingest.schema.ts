import type { SchemaOptions } from '@callfleet/persistence';

/** Webhook ingest's own PostgreSQL schema: its entities and migrations. Shared by the service (migrations at start) and `npm run migrate`. */
export const webhookIngestSchema: SchemaOptions = { schema: 'ingest', entities: [], migrations: [] };
