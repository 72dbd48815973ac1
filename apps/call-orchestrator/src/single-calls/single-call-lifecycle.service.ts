import { CallEventSubjects, type CallRecordStatus, TERMINAL_CALL_STATUSES } from '@callfleet/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CallEntity } from '../calls/call.entity';
import { CallEvents } from '../calls/call-events.outbox';
import { LineLeases } from '../lines/line-leases.repository';
import { callDurationSec, callEndReason } from './single-call-view';

/**
 * What follows a single call's move, in the transaction that moved it: `events.calls.v1.status-changed`,
 * and once it is over its line given back and `events.calls.v1.ended`. Every move comes here: provider
 * events (ingress), a dial that failed, a hang-up before the dial left.
 */
@Injectable()
export class SingleCallLifecycle {
  constructor(
    private readonly events: CallEvents,
    private readonly leases: LineLeases,
  ) {}

  async moved(manager: EntityManager, call: CallEntity, from: string): Promise<void> {
    await this.events.publish(manager, call.orgId, {
      subject: CallEventSubjects.STATUS_CHANGED,
      data: { callId: call.id, from: from as CallRecordStatus, to: call.status as CallRecordStatus },
    });
    if (!(TERMINAL_CALL_STATUSES as readonly string[]).includes(call.status)) return;
    await this.leases.releaseCall(manager, call.orgId, call.id);
    await this.events.publish(manager, call.orgId, {
      subject: CallEventSubjects.ENDED,
      data: {
        callId: call.id,
        status: call.status as CallRecordStatus,
        reason: callEndReason(call),
        durationSec: callDurationSec(call.answeredAt, call.endedAt),
      },
    });
  }
}
