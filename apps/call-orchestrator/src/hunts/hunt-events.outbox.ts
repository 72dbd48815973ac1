import type { EventEnvelope, HuntEvent } from '@callfleet/contracts';
import { Outbox } from '@callfleet/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Where every hunt event goes: the outbox, in the transaction of the change it tells of, ordered by
 * hunt (a hunt's events are published in the order they were written, so `won` never overtakes the
 * leg moves before it).
 */
@Injectable()
export class HuntEvents {
  constructor(private readonly outbox: Outbox) {}

  publish(manager: EntityManager, orgId: string, event: HuntEvent): Promise<EventEnvelope<HuntEvent['data']>> {
    return this.outbox.add(manager, event.subject, event.data, { orgId, orderKey: event.data.huntId });
  }

  /** Many events of one change, in the order given (one statement). */
  async publishMany(manager: EntityManager, orgId: string, events: readonly HuntEvent[]): Promise<void> {
    await this.outbox.addMany(
      manager,
      events.map((event) => ({
        subject: event.subject,
        data: event.data,
        meta: { orgId, orderKey: event.data.huntId },
      })),
    );
  }
}
