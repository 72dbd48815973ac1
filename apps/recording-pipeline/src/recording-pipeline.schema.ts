import type { SchemaOptions } from '@callfleet/persistence';

/** The recording pipeline's own PostgreSQL schema: its entities and migrations. Shared by the service (migrations at start) and `npm run migrate`. */
export const recordingPipelineSchema: SchemaOptions = { schema: 'recordings', entities: [], migrations: [] };
