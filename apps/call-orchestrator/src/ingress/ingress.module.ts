import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module';
import { HandoffModule } from '../handoff/handoff.module';
import { HuntsModule } from '../hunts/hunts.module';
import { IvrModule } from '../ivr/ivr.module';
import { LegsModule } from '../legs/legs.module';
import { ProviderEventsConsumer } from './provider-events.consumer';

/** Provider events (JetStream INGRESS, a durable consumer) applied to calls and legs. */
@Module({
  imports: [CallsModule, LegsModule, HuntsModule, IvrModule, HandoffModule],
  providers: [ProviderEventsConsumer],
})
export class IngressModule {}
