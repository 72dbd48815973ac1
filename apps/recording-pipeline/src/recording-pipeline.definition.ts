import {
  DEFAULT_HTTP_PORTS,
  ProviderAccountCommands,
  RecordingCommands,
  RecordingEvents,
  Streams,
  TelephonyIngress,
} from '@callfleet/contracts';
import type { ServiceDefinition } from '@callfleet/platform';
import { RECORDING_INTAKE_CONSUMER } from './downloads/recording-intake';
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
  // Publishes its recordings events (outbox); reads recording events from INGRESS.
  streams: [Streams.EVENTS],
  nats: {
    serves: Object.values(RecordingCommands),
    calls: [ProviderAccountCommands.Credentials],
    publishes: Object.values(RecordingEvents),
    consumes: [{ event: TelephonyIngress, durable: RECORDING_INTAKE_CONSUMER }],
  },
  deployment: {
    dependsOn: ['object-storage'],
    // RECORDINGS_STORE, S3_BUCKET, S3_REGION, ... (k8s/base/kustomization.yaml: recording-pipeline-config).
    configMap: true,
    secrets: [
      { env: 'RECORDING_LINK_SECRET' },
      // Optional: on AWS the pod's role (the SDK's default chain) needs no keys.
      { env: 'S3_ACCESS_KEY_ID', optional: true },
      { env: 'S3_SECRET_ACCESS_KEY', optional: true },
    ],
    // Compose's MinIO (its bucket is made by the minio container at start).
    composeEnvironment: {
      RECORDINGS_STORE: 's3',
      S3_ENDPOINT: 'http://minio:9000',
      S3_BUCKET: 'recordings',
      S3_FORCE_PATH_STYLE: 'true',
    },
  },
};
