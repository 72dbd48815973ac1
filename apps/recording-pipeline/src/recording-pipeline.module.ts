import { JobsModule, OutboxModule, PersistenceModule } from '@callfleet/persistence';
import { Module } from '@nestjs/common';
import { ContentModule } from './content/content.module';
import { DownloadsModule } from './downloads/downloads.module';
import { recordingPipelineSchema } from './recording-pipeline.schema';
import { RecordingsModule } from './recordings/recordings.module';
import { RetentionModule } from './retention/retention.module';

/** Copies recordings from providers into S3-compatible storage and serves them to their owners. */
@Module({
  imports: [
    PersistenceModule.forSchema(recordingPipelineSchema),
    JobsModule.forRoot(),
    OutboxModule.forRoot(),
    RecordingsModule,
    DownloadsModule,
    ContentModule,
    RetentionModule,
  ],
})
export class RecordingPipelineModule {}
