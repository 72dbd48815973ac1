import type { SchemaOptions } from '@callfleet/persistence';

/** The orchestrator's own PostgreSQL schema: its entities and migrations. Shared by the service (migrations at start) and `npm run migrate`. */
export const callOrchestratorSchema: SchemaOptions = { schema: 'orchestrator', entities: [], migrations: [] };
