import { Module } from '@nestjs/common';
import { RecordingsModule } from '../recordings/recordings.module';
import { OrgRetentionHandlers } from './org-retention.handlers';
import { OrgRetentionService } from './org-retention.service';
import { RecordingRetentionJob } from './recording-retention.job';

/** Per-org retention: its commands and the daily run that enforces it. */
@Module({
  imports: [RecordingsModule],
  controllers: [OrgRetentionHandlers],
  providers: [OrgRetentionService, RecordingRetentionJob],
})
export class RetentionModule {}
