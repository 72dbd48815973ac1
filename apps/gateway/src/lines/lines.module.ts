import { Module } from '@nestjs/common';
import { LinesController } from './lines.controller';

/** /lines, answered by call-orchestrator over NATS. */
@Module({ controllers: [LinesController] })
export class LinesModule {}
