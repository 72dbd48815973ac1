import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { LineLeasesModule } from '../lines/line-leases.module';
import { SingleCallMetrics } from './single-call.metrics';
import { SingleCallDialJob } from './single-call-dial.job';
import { SingleCallLifecycle } from './single-call-lifecycle.service';
import { SingleCallsHandlers } from './single-calls.handlers';
import { SingleCallsService } from './single-calls.service';

/** Single outbound calls (`calls.v1.*`): placed on a leased line, dialed by a durable job, controlled, their events. */
@Module({
  imports: [CallsModule, LineLeasesModule],
  controllers: [SingleCallsHandlers],
  providers: [SingleCallsService, SingleCallDialJob, SingleCallLifecycle, SingleCallMetrics],
  exports: [SingleCallLifecycle],
})
export class SingleCallsModule {}
