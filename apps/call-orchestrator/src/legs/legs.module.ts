import { Module } from '@nestjs/common';
import { HuntEventsModule } from '../hunts/hunt-events.module';
import { LegTransitions } from './leg-transitions.service';
import { LegsRepository } from './legs.repository';

/** Legs: their guarded moves, their history, and the events a move publishes. */
@Module({
  imports: [HuntEventsModule],
  providers: [LegsRepository, LegTransitions],
  exports: [LegsRepository, LegTransitions],
})
export class LegsModule {}
