import type { CallEvent, EventEnvelope } from '@callfleet/contracts';
import { Outbox } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Where every single-call event goes: the outbox, in the transaction of the change it tells of,
 * ordered by call (`ended` never overtakes the status changes before it).
 */
@Injectable()
export class CallEvents {
  constructor(private readonly outbox: Outbox) {}

  publish(manager: EntityManager, orgId: string, event: CallEvent): Promise<EventEnvelope<CallEvent['data']>> {
    return this.outbox.add(manager, event.subject, event.data, { orgId, orderKey: event.data.callId });
  }
}
