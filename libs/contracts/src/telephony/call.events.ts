import { IsBoolean, IsIn, IsInt, IsString, IsUUID, Length, Matches, Min } from 'class-validator';
import { envelopedEvent } from '../events/enveloped-event';
import { Nullable } from '../events/event-envelope';
import { PHONE_NUMBER_PATTERN } from '../hunts/destination.dto';
import { CALL_RECORD_STATUSES, type CallRecordStatus } from './call.dto';

/**
 * Subjects of call-orchestrator's single-call events (stream EVENTS), published through its outbox,
 * in order per call. A hunt leg's call tells its story through the hunt's events instead.
 */
export const CallEventSubjects = {
  CREATED: 'events.calls.v1.created',
  STATUS_CHANGED: 'events.calls.v1.status-changed',
  ENDED: 'events.calls.v1.ended',
} as const;
export type CallEventSubject = (typeof CallEventSubjects)[keyof typeof CallEventSubjects];

class CallEventFields {
  @IsUUID()
  callId: string;
}

/** A single call was accepted: its row is written, its line leased and its dial scheduled. */
export class CallCreatedData extends CallEventFields {
  @IsString()
  @Matches(PHONE_NUMBER_PATTERN)
  to: string;

  @IsString()
  @Length(1, 64)
  from: string;

  @Nullable()
  @IsUUID()
  lineId: string | null;

  @IsBoolean()
  record: boolean;

  @IsBoolean()
  stream: boolean;

  @IsBoolean()
  bidirectional: boolean;
}

/** The call moved forward in its life (`queued → initiated → ringing → answered → completed`, …). */
export class CallStatusChangedData extends CallEventFields {
  @IsIn(CALL_RECORD_STATUSES)
  from: CallRecordStatus;

  @IsIn(CALL_RECORD_STATUSES)
  to: CallRecordStatus;
}

/** The call is over (and its line given back). */
export class CallEndedData extends CallEventFields {
  @IsIn(CALL_RECORD_STATUSES)
  status: CallRecordStatus;

  @Nullable()
  @IsString()
  @Length(1, 100)
  reason: string | null;

  @Nullable()
  @IsInt()
  @Min(0)
  durationSec: number | null;
}

export interface CallEventDataMap {
  [CallEventSubjects.CREATED]: CallCreatedData;
  [CallEventSubjects.STATUS_CHANGED]: CallStatusChangedData;
  [CallEventSubjects.ENDED]: CallEndedData;
}

/** One call event ready for the outbox: its subject and its data. */
export type CallEvent = { [S in CallEventSubject]: { subject: S; data: CallEventDataMap[S] } }[CallEventSubject];

function callEvent<T extends object>(subject: CallEventSubject, data: new () => T) {
  return envelopedEvent(subject, data);
}

export const CallCreated = callEvent(CallEventSubjects.CREATED, CallCreatedData);
export const CallStatusChanged = callEvent(CallEventSubjects.STATUS_CHANGED, CallStatusChangedData);
export const CallEnded = callEvent(CallEventSubjects.ENDED, CallEndedData);

/** Every call event descriptor (the orchestrator publishes them all). */
export const CALL_EVENT_DESCRIPTORS = [CallCreated, CallStatusChanged, CallEnded] as const;
