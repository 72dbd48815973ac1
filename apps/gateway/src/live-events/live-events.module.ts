import { Module } from '@nestjs/common';
import { EventTicketsModule } from './event-tickets.module';
import { LiveEventStreams } from './live-event-streams';
import { LiveEventsController } from './live-events.controller';

/** GET /events (SSE from JetStream, per org) and POST /events/tickets. */
@Module({
  imports: [EventTicketsModule],
  controllers: [LiveEventsController],
  providers: [LiveEventStreams],
})
export class LiveEventsModule {}
