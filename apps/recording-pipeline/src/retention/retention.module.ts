import { Module } from '@nestjs/common';
import { RecordingsModule } from '../recordings/recordings.module';
import { RecordingRetentionJob } from './recording-retention.job';

@Module({ imports: [RecordingsModule], providers: [RecordingRetentionJob] })
export class RetentionModule {}
