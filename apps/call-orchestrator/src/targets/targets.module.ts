import { Module } from '@nestjs/common';
import { TargetStatsRepository } from './target-stats.repository';
import { TargetsHandlers } from './targets.handlers';
import { TargetsService } from './targets.service';

/** Targets of each org (what is hunted): their commands and stats, and `get` for the hunt engine. */
@Module({
  controllers: [TargetsHandlers],
  providers: [TargetsService, TargetStatsRepository],
  exports: [TargetsService],
})
export class TargetsModule {}
