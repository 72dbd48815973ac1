import { ErrorCode, type RecordingState } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

/** What can happen to a recording's copy. */
export type RecordingTransition =
  /** A download attempt begins (again, after a crash left it `downloading`). */
  | 'attempt-started'
  /** The object is in the store with a verified checksum. */
  | 'stored'
  /** An attempt failed and another one will follow. */
  | 'attempt-failed'
  /** The last attempt failed. */
  | 'gave-up';

const NEXT: Readonly<Record<RecordingState, Partial<Record<RecordingTransition, RecordingState>>>> = {
  pending: { 'attempt-started': 'downloading' },
  // attempt-started from downloading: the process died mid-copy and the job runs again.
  downloading: {
    'attempt-started': 'downloading',
    stored: 'stored',
    'attempt-failed': 'pending',
    'gave-up': 'failed',
  },
  stored: {},
  failed: {},
};

/** The state after `transition`, or STATE_CONFLICT: a stored or failed recording never changes again. */
export function nextRecordingState(state: RecordingState, transition: RecordingTransition): RecordingState {
  const next = NEXT[state][transition];
  if (!next) throw new AppException(ErrorCode.STATE_CONFLICT, `A ${state} recording cannot take '${transition}'`);
  return next;
}

/** Whether a recording's copy is over (no job will touch it again). */
export function isSettled(state: RecordingState): boolean {
  return state === 'stored' || state === 'failed';
}
