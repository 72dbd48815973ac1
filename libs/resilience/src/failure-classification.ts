import { isTaskCancelledError } from 'cockatiel';
import { UpstreamHttpError, UpstreamTimeoutError } from './upstream-errors';

/**
 * - `not-delivered`: the provider surely did not act on the request (connection refused, DNS failure,
 *   429, 503), so even a non-idempotent request (placing a call) may be sent again;
 * - `transient`: worth another try, but the provider may have acted (timeout, reset, other 5xx), so only
 *   idempotent requests are retried: a retried "place call" must never ring someone twice;
 * - `permanent`: another try gives the same answer (4xx other than 429, programming errors).
 */
export type FailureClass = 'not-delivered' | 'transient' | 'permanent';

/** Socket errors raised before a byte of the request reached the provider. */
const NOT_DELIVERED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Socket errors after the request may have been sent. */
const BROKEN_CONNECTION_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function errorCodeOf(error: unknown): string | undefined {
  // fetch (undici) wraps the socket error: TypeError('fetch failed', { cause: { code } }).
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof UpstreamHttpError) {
    const status = error.upstreamStatus;
    if (status === 429 || status === 503) return 'not-delivered';
    if (status === 408 || status >= 500) return 'transient';
    return 'permanent';
  }
  if (isTimeout(error)) return 'transient';
  const code = errorCodeOf(error);
  if (code && NOT_DELIVERED_CODES.has(code)) return 'not-delivered';
  if (code && BROKEN_CONNECTION_CODES.has(code)) return 'transient';
  // fetch reports every network failure as this TypeError, sometimes without a code.
  if (nameOf(error) === 'TypeError' && (error as Error).message === 'fetch failed') return 'transient';
  return 'permanent';
}

/** Network errors, timeouts, 429 and 5xx: what the breaker counts and what a retry may help. */
export function isTransientFailure(error: unknown): boolean {
  return classifyFailure(error) !== 'permanent';
}

export function isRetryable(error: unknown, idempotent: boolean): boolean {
  const failure = classifyFailure(error);
  return failure === 'not-delivered' || (idempotent && failure === 'transient');
}

function isTimeout(error: unknown): boolean {
  // TaskCancelledError: cockatiel's timeout; TimeoutError: AbortSignal.timeout() given to fetch.
  return error instanceof UpstreamTimeoutError || isTaskCancelledError(error) || nameOf(error) === 'TimeoutError';
}

/** By name, not instanceof: fetch's errors and DOMException may come from another realm (vm, jest). */
function nameOf(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}
