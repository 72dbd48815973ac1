import { Module } from '@nestjs/common';
import { StorageModule } from '../storage/storage.module';
import { ObjectDeletionJob } from './object-deletion.job';
import { RecordingMetrics } from './recording-metrics';
import { RecordingsHandlers } from './recordings.handlers';
import { RecordingsService } from './recordings.service';

/** The recordings API (NATS commands, org-scoped) and the deletion of objects. */
@Module({
  imports: [StorageModule],
  controllers: [RecordingsHandlers],
  providers: [RecordingsService, ObjectDeletionJob, RecordingMetrics],
  exports: [RecordingsService, RecordingMetrics, StorageModule],
})
export class RecordingsModule {}
