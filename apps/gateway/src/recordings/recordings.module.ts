import { Module } from '@nestjs/common';
import { RecordingRetentionController } from './recording-retention.controller';
import { RecordingsController } from './recordings.controller';

/** /recordings, answered by recording-pipeline over NATS; content streamed from its HTTP port. */
@Module({ controllers: [RecordingRetentionController, RecordingsController] })
export class RecordingsModule {}
