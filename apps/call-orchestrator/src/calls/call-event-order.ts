import { type CallStatus, TERMINAL_CALL_STATUSES } from '@callfleet/contracts';

/** Where a call is in its life: the provider's statuses in the only order they can happen. */
const RANK: Readonly<Record<string, number>> = {
  queued: 0,
  initiated: 0,
  ringing: 1,
  answered: 2,
  'in-progress': 2,
  completed: 3,
  busy: 3,
  'no-answer': 3,
  failed: 3,
  canceled: 3,
};

/** What we know of a call: its status and the newest provider event applied to it. */
export interface CallProgress {
  status: string;
  sequence: number | null;
  eventAt: Date | null;
}

export interface CallEventStamp {
  status: CallStatus;
  sequence?: number;
  occurredAt: Date;
}

/**
 * Whether a provider event moves the call: never once it ended, never backwards in the call's life,
 * and never when it is older than the newest event applied (by the provider's sequence number where
 * both have one, else by time). A repeated event is no move.
 */
export function callEventApplies(current: CallProgress, event: CallEventStamp): boolean {
  if ((TERMINAL_CALL_STATUSES as readonly string[]).includes(current.status)) return false;
  if ((RANK[event.status] ?? -1) <= (RANK[current.status] ?? -1)) return false;
  if (event.sequence !== undefined && current.sequence !== null) return event.sequence > current.sequence;
  if (current.eventAt !== null && event.occurredAt.getTime() < current.eventAt.getTime()) return false;
  return true;
}
