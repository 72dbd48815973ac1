import type { LegEndReason } from '@callfleet/contracts';

/** Endings worth another try on the same line: the line was busy, unanswered, broken, or told us to call back. */
export const REDIAL_REASONS: ReadonlySet<LegEndReason> = new Set([
  'busy',
  'no-answer',
  'failed',
  'too-busy',
  'voicemail',
  'dial-failed',
  'far-end-hung-up',
]);

export interface RedialInput {
  reason: LegEndReason | null;
  /** The attempt that just ended (1 for the first). */
  attempt: number;
  maxAttemptsPerLine: number;
  backoffMs: number;
  nowMs: number;
  deadlineMs: number;
  /** Only a running hunt (no winner yet) dials again. */
  huntRunning: boolean;
}

export type RedialDecision = { redial: true; attempt: number; atMs: number } | { redial: false };

/**
 * Whether a line whose leg just ended is dialed again (as a new leg, attempt + 1, after the backoff)
 * or given back: only for the endings in REDIAL_REASONS, within the per-line attempts, and only when
 * the redial would still start before the hunt's deadline.
 */
export function redialDecision(input: RedialInput): RedialDecision {
  if (!input.huntRunning || input.reason === null || !REDIAL_REASONS.has(input.reason)) return { redial: false };
  if (input.attempt >= input.maxAttemptsPerLine) return { redial: false };
  const atMs = input.nowMs + input.backoffMs;
  if (atMs >= input.deadlineMs) return { redial: false };
  return { redial: true, attempt: input.attempt + 1, atMs };
}
