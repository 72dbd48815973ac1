import { PersistenceModule } from '@callfleet/persistence';
import { Module } from '@nestjs/common';
import { recordingPipelineSchema } from './recording-pipeline.schema';

/** Copies recordings from providers into S3-compatible storage and serves them to their owners. Features arrive with later issues; the service already boots, answers discovery, health and metrics. */
@Module({ imports: [PersistenceModule.forSchema(recordingPipelineSchema)] })
export class RecordingPipelineModule {}
