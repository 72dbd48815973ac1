import { Module } from '@nestjs/common';
import { LinesHandlers } from './lines.handlers';
import { LinesRepository } from './lines.repository';
import { LinesService } from './lines.service';

/** The lines API: sync from a provider account, list, enable and pool (leases: line-leases.module.ts). */
@Module({
  controllers: [LinesHandlers],
  providers: [LinesService, LinesRepository],
  exports: [LinesRepository],
})
export class LinesModule {}
