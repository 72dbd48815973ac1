import { Module } from '@nestjs/common';
import { CallControl } from './call-control.service';
import { CallHangUps } from './call-hang-up.job';
import { CallsRepository } from './calls.repository';

/** Provider calls: their rows and what is done to them at the provider. */
@Module({
  providers: [CallControl, CallsRepository, CallHangUps],
  exports: [CallControl, CallsRepository, CallHangUps],
})
export class CallsModule {}
