import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { LegsModule } from '../legs/legs.module';
import { CallFlowHandlers } from './call-flow.handlers';

/** `calls.v1.flow`: the instructions a provider asks for while the call waits. */
@Module({ imports: [CallsModule, LegsModule], controllers: [CallFlowHandlers] })
export class CallFlowModule {}
