/**
 * What JetStream answers while a stream's or the cluster's leader is being elected (a node lost, a
 * rolling restart): the request times out, or nobody answers it yet, which the client reports as
 * "jetstream is not enabled" (a 503). Seen on a 3-node nats-server 2.9 cluster for 5-6 s after the
 * leader of a stream is killed, and on asset creation while one node is down (tools/drill).
 */
const NO_LEADER = /temporarily unavailable|no responders|jetstream is not enabled|503/i;
const TIMEOUT = /timeout|timed out/i;

const messageOf = (error: unknown) => String((error as Error)?.message ?? error);

/** The immediate answers while nobody leads the stream yet: worth retrying within a request. */
export function isNoLeaderError(error: unknown): boolean {
  return NO_LEADER.test(messageOf(error));
}

/** An election's answers, timeouts included: worth retrying where waiting is cheap (start-up, admin calls). */
export function isTransientJetStreamError(error: unknown): boolean {
  return isNoLeaderError(error) || TIMEOUT.test(messageOf(error));
}

export interface TransientRetryOptions {
  attempts?: number;
  /** The wait after the n-th failure is n times this (200 ms: ten attempts span an election and a timeout). */
  stepMs?: number;
  /** Told of each failure that will be retried (to log it: a start-up that waits says why). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `fn` again while it fails transiently, up to `attempts` times in all; other errors at once. */
export async function retryTransient<T>(fn: () => Promise<T>, options: TransientRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 10;
  const stepMs = options.stepMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !isTransientJetStreamError(error)) throw error;
      options.onRetry?.(error, attempt, stepMs * attempt);
      await new Promise((resolve) => setTimeout(resolve, stepMs * attempt));
    }
  }
}
