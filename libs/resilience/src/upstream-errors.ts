import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';

/** A provider answered with a non-2xx status. Carries what the retry decision needs. */
export class UpstreamHttpError extends AppException {
  constructor(
    readonly upstreamStatus: number,
    readonly retryAfterMs: number | undefined,
    readonly upstreamMessage?: string,
  ) {
    super(ErrorCode.EXTERNAL_SERVICE_ERROR, `Provider answered HTTP ${upstreamStatus}`, {
      upstreamStatus,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(upstreamMessage ? { upstreamMessage } : {}),
    });
    this.name = 'UpstreamHttpError';
  }
}

/** The provider could not be reached, or the connection broke, after every allowed attempt. */
export class UpstreamUnreachableError extends AppException {
  constructor(policy: string, cause: unknown) {
    super(ErrorCode.EXTERNAL_SERVICE_ERROR, `Provider unreachable (${policy})`, { policy });
    this.name = 'UpstreamUnreachableError';
    this.cause = cause;
  }
}

/** The provider did not answer within the policy's timeout. */
export class UpstreamTimeoutError extends AppException {
  constructor(policy: string, timeoutMs: number) {
    super(ErrorCode.TIMEOUT, `Provider did not answer within ${timeoutMs} ms (${policy})`, { policy, timeoutMs });
    this.name = 'UpstreamTimeoutError';
  }
}

/**
 * The circuit breaker is open: the provider account failed repeatedly, so calls fail fast instead
 * of piling onto it. `retryAfterMs` says when the breaker lets a trial call through again.
 */
export class CircuitOpenError extends AppException {
  constructor(
    readonly policy: string,
    readonly retryAfterMs: number,
  ) {
    super(ErrorCode.SERVICE_UNAVAILABLE, `Provider circuit open for ${policy}; failing fast`, { policy, retryAfterMs });
    this.name = 'CircuitOpenError';
  }
}

/** Too many calls to one provider account are in flight and queued already. */
export class BulkheadFullError extends AppException {
  constructor(readonly policy: string) {
    super(ErrorCode.SERVICE_UNAVAILABLE, `Too many concurrent provider calls for ${policy}`, { policy });
    this.name = 'BulkheadFullError';
  }
}
