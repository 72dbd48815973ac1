import { DEFAULT_HTTP_PORTS } from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { RecordingPipelineConfig } from './recording-pipeline.config';
import { RecordingPipelineModule } from './recording-pipeline.module';
import { recordingPipelineSchema } from './recording-pipeline.schema';

export const recordingPipelineService: ServiceDefinition<RecordingPipelineConfig> = {
  name: 'recording-pipeline',
  description: 'Copies recordings from providers into S3-compatible storage and serves them to their owners.',
  port: DEFAULT_HTTP_PORTS['recording-pipeline'],
  module: RecordingPipelineModule,
  config: RecordingPipelineConfig,
  schema: recordingPipelineSchema,
  // Connects only for health and discovery (its own inbox and $SRV); nothing of its own on NATS yet.
  nats: {},
  deployment: { dependsOn: ['object-storage'] },
};
