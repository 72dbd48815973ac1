import { IsArray, IsIn, IsInt, IsNumber, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { envelopedEvent } from '../events/enveloped-event';
import { Nullable } from '../events/event-envelope';
import { LEG_END_REASONS, LEG_STATUSES, type LegEndReason, type LegStatus } from './hunt-model';

/** Subjects of call-orchestrator's hunt events (stream EVENTS), published through its outbox, in order per hunt. */
export const HuntEventSubjects = {
  CREATED: 'events.hunts.v1.created',
  LEG_STATUS_CHANGED: 'events.hunts.v1.leg-status-changed',
  HUMAN_DETECTED: 'events.hunts.v1.human-detected',
  WON: 'events.hunts.v1.won',
  TRANSFER_STARTED: 'events.hunts.v1.transfer-started',
  TRANSFER_RETRYING: 'events.hunts.v1.transfer-retrying',
  CONNECTED: 'events.hunts.v1.connected',
  FAILED: 'events.hunts.v1.failed',
  EXHAUSTED: 'events.hunts.v1.exhausted',
  CANCELLED: 'events.hunts.v1.cancelled',
} as const;
export type HuntEventSubject = (typeof HuntEventSubjects)[keyof typeof HuntEventSubjects];

/** Who decided that a leg has a person on it. */
export const DETECTION_DECIDERS = ['media', 'amd', 'manual', 'call-state'] as const;
export type DetectionDecider = (typeof DETECTION_DECIDERS)[number];

class HuntEventFields {
  @IsUUID()
  huntId: string;
}

class LegEventFields extends HuntEventFields {
  @IsUUID()
  legId: string;
}

/** A hunt was created: its lines are leased and its legs are about to be dialed. */
export class HuntCreatedData extends HuntEventFields {
  @Nullable()
  @IsUUID()
  targetId: string | null;

  @IsInt()
  @Min(1)
  @Max(70)
  lineCount: number;

  @IsArray()
  @IsUUID('all', { each: true })
  legIds: string[];
}

/** A leg moved forward (`dialing → ringing → ivr → holding → human → …`), or ended with a reason. */
export class LegStatusChangedData extends LegEventFields {
  @IsUUID()
  lineId: string;

  @Nullable()
  @IsUUID()
  callId: string | null;

  @IsInt()
  @Min(1)
  attempt: number;

  @Nullable()
  @IsIn(LEG_STATUSES)
  from: LegStatus | null;

  @IsIn(LEG_STATUSES)
  to: LegStatus;

  @Nullable()
  @IsIn(LEG_END_REASONS)
  reason: LegEndReason | null;
}

/** A leg was judged live (in `confirm` mode: an alert awaiting the user's confirmation). */
export class HumanDetectedData extends LegEventFields {
  @IsIn(DETECTION_DECIDERS)
  decidedBy: DetectionDecider;

  @IsNumber()
  @Min(0)
  @Max(1)
  confidence: number;

  @IsIn(['auto', 'confirm'])
  mode: 'auto' | 'confirm';
}

/** The one winner of the hunt; `fence` numbers its transfer (a repeated transfer with it is a no-op). */
export class HuntWonData extends LegEventFields {
  @IsInt()
  @Min(1)
  fence: number;
}

/** The winner's hand-off to the destination began (or a retry of it). */
export class TransferStartedData extends LegEventFields {
  @IsInt()
  @Min(1)
  attempt: number;
}

/** The destination did not answer: the person waits on hold while it is dialed again. */
export class TransferRetryingData extends LegEventFields {
  @IsInt()
  @Min(1)
  attempt: number;

  @IsString()
  @Length(1, 100)
  reason: string;
}

/** The person is bridged to the destination. */
export class HuntConnectedData extends LegEventFields {}

/** The hand-off failed for good (`destination-unavailable`, …). */
export class HuntFailedData extends HuntEventFields {
  @Nullable()
  @IsUUID()
  legId: string | null;

  @IsString()
  @Length(1, 100)
  reason: string;
}

/** The hunt's time budget ran out with nobody reached: every leg hung up, every line released. */
export class HuntExhaustedData extends HuntEventFields {
  @IsInt()
  @Min(0)
  legs: number;
}

/** The hunt was cancelled: every leg hung up, every line released. */
export class HuntCancelledData extends HuntEventFields {
  @Nullable()
  @IsUUID()
  cancelledBy: string | null;
}

/** The data of each hunt event, by subject. */
export interface HuntEventDataMap {
  [HuntEventSubjects.CREATED]: HuntCreatedData;
  [HuntEventSubjects.LEG_STATUS_CHANGED]: LegStatusChangedData;
  [HuntEventSubjects.HUMAN_DETECTED]: HumanDetectedData;
  [HuntEventSubjects.WON]: HuntWonData;
  [HuntEventSubjects.TRANSFER_STARTED]: TransferStartedData;
  [HuntEventSubjects.TRANSFER_RETRYING]: TransferRetryingData;
  [HuntEventSubjects.CONNECTED]: HuntConnectedData;
  [HuntEventSubjects.FAILED]: HuntFailedData;
  [HuntEventSubjects.EXHAUSTED]: HuntExhaustedData;
  [HuntEventSubjects.CANCELLED]: HuntCancelledData;
}

/** One hunt event ready for the outbox: its subject and its data. */
export type HuntEvent = { [S in HuntEventSubject]: { subject: S; data: HuntEventDataMap[S] } }[HuntEventSubject];

function huntEvent<T extends object>(subject: HuntEventSubject, data: new () => T) {
  return envelopedEvent(subject, data);
}

export const HuntCreated = huntEvent(HuntEventSubjects.CREATED, HuntCreatedData);
export const LegStatusChanged = huntEvent(HuntEventSubjects.LEG_STATUS_CHANGED, LegStatusChangedData);
export const HumanDetected = huntEvent(HuntEventSubjects.HUMAN_DETECTED, HumanDetectedData);
export const HuntWon = huntEvent(HuntEventSubjects.WON, HuntWonData);
export const TransferStarted = huntEvent(HuntEventSubjects.TRANSFER_STARTED, TransferStartedData);
export const TransferRetrying = huntEvent(HuntEventSubjects.TRANSFER_RETRYING, TransferRetryingData);
export const HuntConnected = huntEvent(HuntEventSubjects.CONNECTED, HuntConnectedData);
export const HuntFailed = huntEvent(HuntEventSubjects.FAILED, HuntFailedData);
export const HuntExhausted = huntEvent(HuntEventSubjects.EXHAUSTED, HuntExhaustedData);
export const HuntCancelled = huntEvent(HuntEventSubjects.CANCELLED, HuntCancelledData);

/** Every hunt event descriptor (the orchestrator publishes them all). */
export const HUNT_EVENT_DESCRIPTORS = [
  HuntCreated,
  LegStatusChanged,
  HumanDetected,
  HuntWon,
  TransferStarted,
  TransferRetrying,
  HuntConnected,
  HuntFailed,
  HuntExhausted,
  HuntCancelled,
] as const;
