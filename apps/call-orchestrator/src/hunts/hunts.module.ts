import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { LegDialJob } from '../legs/leg-dial.job';
import { LegEndings } from '../legs/leg-endings.service';
import { LegsModule } from '../legs/legs.module';
import { LineLeasesModule } from '../lines/line-leases.module';
import { TargetsModule } from '../targets/targets.module';
import { HuntMetrics } from './hunt.metrics';
import { HuntCreation } from './hunt-creation.service';
import { HuntDeadlineJob } from './hunt-deadline.job';
import { HuntEnding } from './hunt-ending.service';
import { HuntEventsModule } from './hunt-events.module';
import { HuntWinnerRepository } from './hunt-winner.repository';
import { HuntWinner } from './hunt-winner.service';
import { HuntsHandlers } from './hunts.handlers';
import { HuntsRepository } from './hunts.repository';
import { HuntsService } from './hunts.service';

/** The hunt lifecycle: created, its legs dialed (staggered, redialed), won by one leg, ended (cancelled, exhausted). */
@Module({
  imports: [CallsModule, LegsModule, LineLeasesModule, HuntEventsModule, DestinationsModule, TargetsModule],
  controllers: [HuntsHandlers],
  providers: [
    HuntsRepository,
    HuntCreation,
    HuntsService,
    HuntEnding,
    HuntDeadlineJob,
    HuntMetrics,
    LegEndings,
    LegDialJob,
    HuntWinnerRepository,
    HuntWinner,
  ],
  exports: [HuntsRepository, HuntsService, HuntEnding, LegEndings, HuntMetrics, HuntWinner],
})
export class HuntsModule {}
