import { ErrorCode } from '@callfleet/contracts';
import { AppException } from '@callfleet/platform';
import { CircuitOpenError, UpstreamHttpError, UpstreamTimeoutError } from '@callfleet/resilience';
import { downloadFailureReason, isPermanentFailure, StoreWriteError } from './download-failure';

describe('downloadFailureReason', () => {
  it('keeps the validator’s typed reason', () => {
    const error = Object.assign(new Error('short'), { reason: 'truncated' });
    expect(downloadFailureReason(error)).toBe('truncated');
    expect(downloadFailureReason(Object.assign(new Error('x'), { reason: 'bad-format' }))).toBe('bad-format');
  });

  it('names provider answers by class', () => {
    expect(downloadFailureReason(new UpstreamHttpError(503, undefined))).toBe('provider-5xx');
    expect(downloadFailureReason(new UpstreamHttpError(429, 1000))).toBe('provider-5xx');
    expect(downloadFailureReason(new UpstreamHttpError(404, undefined))).toBe('provider-4xx');
    expect(downloadFailureReason(new UpstreamTimeoutError('twilio:a', 1000))).toBe('timeout');
    expect(downloadFailureReason(new CircuitOpenError('twilio:a', 1000))).toBe('circuit-open');
  });

  it('tells a store failure and a cut download apart', () => {
    expect(downloadFailureReason(new StoreWriteError(new Error('ECONNREFUSED')))).toBe('store-unavailable');
    expect(downloadFailureReason(new TypeError('terminated'))).toBe('truncated');
  });

  it('fails at once only where no retry helps', () => {
    expect(downloadFailureReason(new AppException(ErrorCode.NOT_FOUND, 'Provider account not found'))).toBe(
      'account-missing',
    );
    expect(isPermanentFailure('account-missing')).toBe(true);
    expect(isPermanentFailure('bad-format')).toBe(true);
    expect(isPermanentFailure('truncated')).toBe(false);
    expect(isPermanentFailure('provider-5xx')).toBe(false);
  });
});
