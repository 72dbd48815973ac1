import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { defineEvent, type EventDescriptor } from '../nats/event-descriptor';
import { Streams } from '../nats/streams';
import { EventEnvelopeFields } from './event-envelope';

/**
 * An event of the EVENTS stream whose payload is the envelope around `data` (validated as its own
 * class); the envelope's class is named after the data's (`HuntWonData` → `HuntWonEvent`) for the
 * AsyncAPI document.
 */
export function envelopedEvent<T extends object>(
  subject: string,
  data: new () => T,
): EventDescriptor<EventEnvelopeFields & { data: T }> {
  class Envelope extends EventEnvelopeFields {
    @IsObject()
    @ValidateNested()
    @Type(() => data)
    data: T;
  }
  Object.defineProperty(Envelope, 'name', { value: `${data.name.replace(/Data$/, '')}Event` });
  return defineEvent({ stream: Streams.EVENTS.name, subject, payload: Envelope });
}
