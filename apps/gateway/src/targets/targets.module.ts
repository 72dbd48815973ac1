import { Module } from '@nestjs/common';
import { TargetsController } from './targets.controller';

/** /targets (and their stats), answered by call-orchestrator over NATS. */
@Module({ controllers: [TargetsController] })
export class TargetsModule {}
