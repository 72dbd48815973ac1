import { Module } from '@nestjs/common';
import { CallsController } from './calls.controller';

/** /calls, answered by call-orchestrator over NATS. */
@Module({ controllers: [CallsController] })
export class CallsModule {}
