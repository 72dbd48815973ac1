export interface BackoffOptions {
  /** Delay cap before jitter for the first retry. */
  baseDelayMs: number;
  /** No single wait is longer than this (before jitter). */
  maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * a uniform wait in [0, min(max, base·2^(retry-1))). Full jitter spreads the retries of many
 * callers that failed together, so they do not hit a recovering provider in lockstep.
 */
export function fullJitterDelay(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, retry - 1);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(exponent, 30));
  return Math.floor(random() * ceiling);
}

/** The provider's own `Retry-After` wins over our backoff: waiting less would only earn another 429. */
export function retryDelay(
  retry: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  return retryAfterMs !== undefined ? retryAfterMs : fullJitterDelay(retry, options, random);
}
