import type { ServiceDefinition } from '@callfleet/platform';
import { RecordingPipelineConfig } from './recording-pipeline.config';
import { RecordingPipelineModule } from './recording-pipeline.module';

export const recordingPipelineService: ServiceDefinition<RecordingPipelineConfig> = {
  name: 'recording-pipeline',
  description: 'Copies recordings from providers into S3-compatible storage and serves them to their owners.',
  module: RecordingPipelineModule,
  config: RecordingPipelineConfig,
};
