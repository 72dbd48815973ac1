import type { CallDto, CallRecordStatus } from '@callfleet/contracts';
import type { CallEntity } from '../calls/call.entity';

/** Seconds from answer to end, for a call that was answered and is over; else null. */
export function callDurationSec(answeredAt: Date | null, endedAt: Date | null): number | null {
  if (!answeredAt || !endedAt) return null;
  return Math.max(0, Math.round((endedAt.getTime() - answeredAt.getTime()) / 1000));
}

/** Why a call ended, as the API and `events.calls.v1.ended` say it: what we noted (`hung-up`, `dial-failed`), else its final status. */
export function callEndReason(call: Pick<CallEntity, 'status' | 'endReason' | 'endedAt'>): string | null {
  if (!call.endedAt) return null;
  return call.endReason ?? call.status;
}

const iso = (at: Date | null) => (at ? new Date(at).toISOString() : null);

/** A call as the API shows it. */
export function callView(call: CallEntity): CallDto {
  return {
    id: call.id,
    status: call.status as CallRecordStatus,
    to: call.toNumber,
    from: call.fromNumber,
    lineId: call.lineId,
    provider: call.provider,
    providerAccountId: call.providerAccountId,
    providerCallId: call.providerCallId,
    huntId: call.huntId,
    legId: call.legId,
    record: call.record,
    stream: call.stream ? { bidirectional: call.stream.bidirectional === true } : null,
    createdAt: new Date(call.createdAt).toISOString(),
    startedAt: iso(call.startedAt),
    answeredAt: iso(call.answeredAt),
    endedAt: iso(call.endedAt),
    durationSec: callDurationSec(call.answeredAt, call.endedAt),
    endReason: callEndReason(call),
  };
}
