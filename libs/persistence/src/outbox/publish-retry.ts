import { isTransientJetStreamError } from '@callfleet/platform';
import { type BackoffOptions, fullJitterDelay } from '@callfleet/resilience';

/** Never retry sooner than this, whatever the jitter drew: a broker that just refused needs a moment. */
const MIN_RETRY_DELAY_MS = 50;

/**
 * A stream between leaders (one NATS node of three lost) refuses or times out publishes for the
 * 2-6 s of its election (tools/drill). Those failures are retried within this at most, instead of
 * after a backoff that every failure of the election has doubled (up to maxDelayMs), so events
 * flow again as soon as a leader is elected rather than up to half a minute later.
 */
const ELECTION_RETRY_CEILING_MS = 1_000;

/** The wait before publishing again after `attempt` failed attempts, the last of which failed with `error`. */
export function publishRetryDelay(
  error: unknown,
  attempt: number,
  backoff: BackoffOptions,
  random: () => number = Math.random,
): number {
  const delay = Math.max(MIN_RETRY_DELAY_MS, fullJitterDelay(attempt, backoff, random));
  return isTransientJetStreamError(error) ? Math.min(delay, ELECTION_RETRY_CEILING_MS) : delay;
}
