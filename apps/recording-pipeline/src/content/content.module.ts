import { Module } from '@nestjs/common';
import { RecordingsModule } from '../recordings/recordings.module';
import { ContentController } from './content.controller';

/** Audio over this service's HTTP port, behind short-lived signed links (the gateway streams from it). */
@Module({ imports: [RecordingsModule], controllers: [ContentController] })
export class ContentModule {}
