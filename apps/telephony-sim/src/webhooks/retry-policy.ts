/**
 * When a callback is retried, after Twilio's "connection overrides": per-URL settings in the URL
 * fragment (`#rc=3&rp=5xx,ct&rt=2000&tt=10000&ct=1000`), which the receiver never sees. The
 * simulator's defaults come from config and are more generous than Twilio's (rc=1, rp=ct) so
 * at-least-once delivery can be tested; `#rc=1&rp=ct` on a URL gives Twilio's own behaviour.
 */

/** Why an attempt failed: connect failure, read timeout, or the HTTP class of the answer. */
export type FailureClass = 'ct' | 'rt' | '4xx' | '5xx';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  retryOn: readonly FailureClass[];
  /** How long one attempt may take (Twilio's connect + read timeouts, rolled into one). */
  attemptTimeoutMs: number;
  /** Budget for all attempts and the waits between them. */
  totalTimeoutMs: number;
  /** First wait between attempts; doubles each time, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

const MAX_RETRIES = 5;
const FAILURE_CLASSES: readonly FailureClass[] = ['ct', 'rt', '4xx', '5xx'];

/** Parses `5xx,ct` (or `all`) into failure classes; unknown words are ignored. */
export function parseRetryOn(value: string): FailureClass[] {
  const words = value
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  if (words.includes('all')) return [...FAILURE_CLASSES];
  return FAILURE_CLASSES.filter((c) => words.includes(c));
}

/** Splits the connection overrides off a callback URL and applies them to the defaults. */
export function policyForUrl(rawUrl: string, defaults: RetryPolicy): { url: string; policy: RetryPolicy } {
  const hash = rawUrl.indexOf('#');
  if (hash === -1) return { url: rawUrl, policy: defaults };
  const overrides = new URLSearchParams(rawUrl.slice(hash + 1));
  const policy = { ...defaults };
  const int = (name: string, min: number, max: number): number | undefined => {
    const raw = overrides.get(name);
    if (raw === null || !/^\d+$/.test(raw)) return undefined;
    return Math.min(max, Math.max(min, Number(raw)));
  };
  const rc = int('rc', 0, MAX_RETRIES);
  if (rc !== undefined) policy.retries = rc;
  const rp = overrides.get('rp');
  if (rp !== null) policy.retryOn = parseRetryOn(rp);
  const ct = int('ct', 100, 10_000);
  const rt = int('rt', 100, 15_000);
  if (ct !== undefined || rt !== undefined) policy.attemptTimeoutMs = (ct ?? 0) + (rt ?? defaults.attemptTimeoutMs);
  const tt = int('tt', 100, 15_000);
  if (tt !== undefined) policy.totalTimeoutMs = tt;
  return { url: rawUrl.slice(0, hash), policy };
}

/** The failure class of an attempt's outcome, or undefined when it succeeded (2xx, 3xx). */
export function classifyAttempt(
  outcome: { status: number } | { error: 'timeout' | 'connect' },
): FailureClass | undefined {
  if ('error' in outcome) return outcome.error === 'timeout' ? 'rt' : 'ct';
  if (outcome.status >= 500) return '5xx';
  if (outcome.status >= 400) return '4xx';
  return undefined;
}

/** Wait before retry number `retry` (1-based): exponential, capped. */
export function retryDelayMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
}

/**
 * Whether to try again after `attemptsMade` attempts that ended in `failure`, `elapsedMs` after the
 * first one started: only for a class the policy names, within the retry count, and only when the
 * wait before the next attempt still ends inside the total budget.
 */
export function shouldRetry(
  policy: RetryPolicy,
  failure: FailureClass,
  attemptsMade: number,
  elapsedMs: number,
): boolean {
  if (!policy.retryOn.includes(failure)) return false;
  if (attemptsMade > policy.retries) return false;
  return elapsedMs + retryDelayMs(policy, attemptsMade) < policy.totalTimeoutMs;
}
