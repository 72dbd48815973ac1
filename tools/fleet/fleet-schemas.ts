import type { SchemaOptions } from '@callfleet/persistence';
import { authSchema } from '../../apps/auth/src/auth.schema';
import { callOrchestratorSchema } from '../../apps/call-orchestrator/src/call-orchestrator.schema';
import { recordingPipelineSchema } from '../../apps/recording-pipeline/src/recording-pipeline.schema';
import { webhookIngestSchema } from '../../apps/webhook-ingest/src/webhook-ingest.schema';

/** Every PostgreSQL schema of the fleet, each owned by one service; `npm run migrate` brings them all up to date. */
export const FLEET_SCHEMAS: readonly SchemaOptions[] = [
  authSchema,
  callOrchestratorSchema,
  webhookIngestSchema,
  recordingPipelineSchema,
];
