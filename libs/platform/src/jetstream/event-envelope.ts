import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@callfleet/contracts';
import { RequestContext } from '../context/request-context';

export interface EventMeta {
  orgId?: string | null;
  correlationId?: string | null;
  /** The event's id (and its `Nats-Msg-Id`); a new UUID when absent. */
  id?: string;
}

/**
 * The fleet's event envelope around `data`. Tenancy and correlation fall back to the current
 * request's, so an event raised while serving a request is traceable to it. One builder for the
 * direct publish and the outbox, so both put the same envelope on the bus.
 */
export function eventEnvelope<T>(type: string, data: T, meta: EventMeta, occurredAt: Date): EventEnvelope<T> {
  const ctx = RequestContext.current();
  return {
    id: meta.id ?? randomUUID(),
    type,
    occurredAt: occurredAt.toISOString(),
    orgId: meta.orgId ?? ctx?.orgId ?? null,
    correlationId: meta.correlationId ?? ctx?.requestId ?? null,
    data,
  };
}
