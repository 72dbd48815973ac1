import { Module } from '@nestjs/common';
import { RecordingsModule } from '../recordings/recordings.module';
import { ProviderCopyDeletionJob } from './provider-copy-deletion.job';
import { ProviderDownloads } from './provider-downloads';
import { RecordingDownloadJob } from './recording-download.job';
import { RecordingIntake } from './recording-intake';

/**
 * Recording events in, durable download jobs out: provider → validation → store, streamed; then,
 * for accounts that ask, the provider's copy deleted.
 */
@Module({
  imports: [RecordingsModule],
  providers: [RecordingIntake, ProviderDownloads, RecordingDownloadJob, ProviderCopyDeletionJob],
})
export class DownloadsModule {}
