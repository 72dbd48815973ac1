import { Module } from '@nestjs/common';
import { RecordingsModule } from '../recordings/recordings.module';
import { ProviderDownloads } from './provider-downloads';
import { RecordingDownloadJob } from './recording-download.job';
import { RecordingIntake } from './recording-intake';

/** Recording events in, durable download jobs out: provider → validation → store, streamed. */
@Module({ imports: [RecordingsModule], providers: [RecordingIntake, ProviderDownloads, RecordingDownloadJob] })
export class DownloadsModule {}
