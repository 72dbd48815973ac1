import { Module } from '@nestjs/common';
import { CallControl } from './call-control.service';
import { CallsRepository } from './calls.repository';

/** Provider calls: their rows and what is done to them at the provider. */
@Module({ providers: [CallControl, CallsRepository], exports: [CallControl, CallsRepository] })
export class CallsModule {}
