import { Module } from '@nestjs/common';
import { RecordingsController } from './recordings.controller';

/** /recordings, answered by recording-pipeline over NATS; content streamed from its HTTP port. */
@Module({ controllers: [RecordingsController] })
export class RecordingsModule {}
