import { Module } from '@nestjs/common';
import { EventTickets } from './event-tickets';

/** The tickets, in a module of their own: AuthenticationGuard redeems them for routes marked @TicketAccepted. */
@Module({ providers: [EventTickets], exports: [EventTickets] })
export class EventTicketsModule {}
