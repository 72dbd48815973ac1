import { Module } from '@nestjs/common';
import { CallControl } from './call-control.service';
import { CallEvents } from './call-events.outbox';
import { CallHangUps } from './call-hang-up.job';
import { CallsRepository } from './calls.repository';

/** Provider calls: their rows and what is done to them at the provider. */
@Module({
  providers: [CallControl, CallsRepository, CallHangUps, CallEvents],
  exports: [CallControl, CallsRepository, CallHangUps, CallEvents],
})
export class CallsModule {}
