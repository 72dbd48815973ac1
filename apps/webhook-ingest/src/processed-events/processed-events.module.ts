import { Module } from '@nestjs/common';
import { ProcessedEventsStore } from './processed-events.store';

@Module({ providers: [ProcessedEventsStore], exports: [ProcessedEventsStore] })
export class ProcessedEventsModule {}
