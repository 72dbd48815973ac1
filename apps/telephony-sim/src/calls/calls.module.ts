import { Module } from '@nestjs/common';
import { RecordingsModule } from '../recordings/recordings.module';
import { CallsService } from './calls.service';

@Module({ imports: [RecordingsModule], providers: [CallsService], exports: [CallsService] })
export class CallsModule {}
