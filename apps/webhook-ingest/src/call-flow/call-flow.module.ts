import { Module } from '@nestjs/common';
import { CallFlowService } from './call-flow.service';

@Module({ providers: [CallFlowService], exports: [CallFlowService] })
export class CallFlowModule {}
