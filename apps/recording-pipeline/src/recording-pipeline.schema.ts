import type { SchemaOptions } from '@callfleet/persistence';
import { CreateRecordingsSchema1795700000001 } from './migrations/1795700000001-create-recordings-schema';
import { RecordingEntity } from './recordings/recording.entity';
import { OrgRetentionEntity } from './retention/org-retention.entity';

/** The recording pipeline's own PostgreSQL schema: its entities and migrations. Shared by the service (migrations at start) and `npm run migrate`. */
export const recordingPipelineSchema: SchemaOptions = {
  schema: 'recordings',
  entities: [RecordingEntity, OrgRetentionEntity],
  migrations: [CreateRecordingsSchema1795700000001],
};
