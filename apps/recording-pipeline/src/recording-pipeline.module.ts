import { JobsModule, OutboxModule, PersistenceModule } from '@callfleet/persistence';
import { CallerAuthenticationModule } from '@callfleet/platform';
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
    // Other teams read and delete recordings over NATS with a credential (public commands).
    CallerAuthenticationModule,
  ],
})
export class RecordingPipelineModule {}
