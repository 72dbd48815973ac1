import { Module } from '@nestjs/common';
import { HuntsController } from './hunts.controller';

/** /hunts, answered by call-orchestrator over NATS. */
@Module({ controllers: [HuntsController] })
export class HuntsModule {}
