import { Module } from '@nestjs/common';
import { HuntEvents } from './hunt-events.outbox';

/** The hunt events' way into the outbox (OutboxModule is global). */
@Module({ providers: [HuntEvents], exports: [HuntEvents] })
export class HuntEventsModule {}
