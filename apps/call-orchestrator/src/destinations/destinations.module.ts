import { Module } from '@nestjs/common';
import { DestinationsService } from './destinations.service';

/** Destinations of each org (where a won call goes); the hunt engine resolves a hunt's through the service. */
@Module({ providers: [DestinationsService], exports: [DestinationsService] })
export class DestinationsModule {}
