import { type BackoffOptions, fullJitterDelay } from '@callfleet/resilience';
import { nextOccurrence, type Recurrence } from './recurrence';

/** What becomes of a job whose handler threw on attempt `attempt`. */
export type FailureDecision =
  | { next: 'retry'; runAtMs: number }
  /** A recurring job is never dropped: its failure is counted and it waits for its next occurrence. */
  | { next: 'next-occurrence'; runAtMs: number }
  | { next: 'fail' };

export interface FailedAttempt {
  attempt: number;
  /** Infinity: retried until it succeeds (each failure still counted). */
  maxAttempts: number;
  backoff: BackoffOptions;
  recurrence?: Recurrence;
  nowMs: number;
}

export function afterFailure(failed: FailedAttempt, random: () => number = Math.random): FailureDecision {
  if (failed.attempt < failed.maxAttempts) {
    // At least 1 ms: a retry is always later than the failure it follows, never in the same instant.
    return {
      next: 'retry',
      runAtMs: failed.nowMs + Math.max(1, fullJitterDelay(failed.attempt, failed.backoff, random)),
    };
  }
  if (failed.recurrence) return { next: 'next-occurrence', runAtMs: nextOccurrence(failed.recurrence, failed.nowMs) };
  return { next: 'fail' };
}
