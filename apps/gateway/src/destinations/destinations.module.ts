import { Module } from '@nestjs/common';
import { DestinationsController } from './destinations.controller';

/** /destinations, answered by call-orchestrator over NATS. */
@Module({ controllers: [DestinationsController] })
export class DestinationsModule {}
