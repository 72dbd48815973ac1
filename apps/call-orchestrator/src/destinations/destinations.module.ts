import { Module } from '@nestjs/common';
import { DestinationsHandlers } from './destinations.handlers';
import { DestinationsService } from './destinations.service';

/** Destinations of each org (where a won call goes): their commands, and `resolve` for the hunt engine. */
@Module({ controllers: [DestinationsHandlers], providers: [DestinationsService], exports: [DestinationsService] })
export class DestinationsModule {}
