import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import {
  BulkheadFullError,
  CircuitOpenError,
  UpstreamHttpError,
  UpstreamTimeoutError,
  UpstreamUnreachableError,
} from '@callfleet/resilience';

/** Why one copy attempt failed: the row's `last_error` and the metrics' `reason` label (a short closed set). */
export type DownloadFailureReason =
  | 'truncated'
  | 'length-mismatch'
  | 'too-large'
  | 'bad-format'
  | 'duration-mismatch'
  | 'timeout'
  | 'circuit-open'
  | 'unreachable'
  | 'provider-4xx'
  | 'provider-5xx'
  | 'account-missing'
  | 'store-unavailable'
  | 'error';

/** The stream validator's typed reasons (libs/audio), kept as they are. */
const VALIDATION_REASONS = new Set<string>([
  'truncated',
  'length-mismatch',
  'too-large',
  'bad-format',
  'duration-mismatch',
]);

/** Reasons no retry can mend (the file itself, or no account to download with): `failed` at once. */
const PERMANENT = new Set<DownloadFailureReason>(['too-large', 'bad-format', 'duration-mismatch', 'account-missing']);

/** An error raised by the store (the object was not written), as opposed to the download. */
export class StoreWriteError extends Error {
  constructor(override readonly cause: unknown) {
    super(`store write failed: ${String((cause as Error)?.message ?? cause)}`);
  }
}

export function downloadFailureReason(error: unknown): DownloadFailureReason {
  const typed = (error as { reason?: unknown } | null)?.reason;
  if (typeof typed === 'string' && VALIDATION_REASONS.has(typed)) return typed as DownloadFailureReason;
  if (error instanceof StoreWriteError) return 'store-unavailable';
  if (error instanceof CircuitOpenError) return 'circuit-open';
  if (error instanceof UpstreamTimeoutError) return 'timeout';
  if (error instanceof UpstreamUnreachableError || error instanceof BulkheadFullError) return 'unreachable';
  if (error instanceof UpstreamHttpError)
    return error.upstreamStatus >= 500 || error.upstreamStatus === 429 ? 'provider-5xx' : 'provider-4xx';
  if (error instanceof AppException && error.code === ErrorCode.NOT_FOUND) return 'account-missing';
  const message = String((error as Error)?.message ?? error);
  // undici's words for a body the provider cut short (the Content-Length was promised, not sent).
  if (/terminated|other side closed|premature close|ECONNRESET/i.test(message)) return 'truncated';
  if (/timed out|aborted/i.test(message)) return 'timeout';
  return 'error';
}

export function isPermanentFailure(reason: DownloadFailureReason): boolean {
  return PERMANENT.has(reason);
}
