import type { DtoClass } from './command-descriptor';

/**
 * A JetStream event written once: the stream that stores it, its subject and the class its payload
 * must satisfy. A consumer names it with its own durable (`jetstream.consume({event, durable, handler})`)
 * and gets only payloads that passed the class's validation; the others go to the dead-letter subject.
 */
export interface EventDescriptor<T extends object = object> {
  /** The stream's name (e.g. `EVENTS`), without the namespace. */
  readonly stream: string;
  /** The subject, or a filter on the stream's subjects (`ingress.twilio.v1.>`). */
  readonly subject: string;
  readonly payload: DtoClass<T>;
  /**
   * Other teams (the TEAMS account) may subscribe to it. Every team user sees it for every org, so
   * only an event whose payload is fit for all of them is public.
   */
  readonly public?: boolean;
}

export function defineEvent<T extends object>(spec: EventDescriptor<T>): EventDescriptor<T> {
  return Object.freeze({ ...spec });
}
