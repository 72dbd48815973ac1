import { TaskCancelledError } from 'cockatiel';
import { classifyFailure, isRetryable, isTransientFailure } from './failure-classification';
import { UpstreamHttpError } from './upstream-errors';

function fetchFailure(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

describe('classifyFailure', () => {
  it.each([429, 503])('HTTP %i: the provider refused, so it did not act', (status) => {
    expect(classifyFailure(new UpstreamHttpError(status, undefined))).toBe('not-delivered');
  });

  it.each([500, 502, 504, 408])('HTTP %i: transient, but the provider may have acted', (status) => {
    expect(classifyFailure(new UpstreamHttpError(status, undefined))).toBe('transient');
  });

  it.each([400, 401, 404, 409, 422])('HTTP %i: permanent', (status) => {
    expect(classifyFailure(new UpstreamHttpError(status, undefined))).toBe('permanent');
  });

  it('a refused connection or unknown host never reached the provider', () => {
    expect(classifyFailure(fetchFailure('ECONNREFUSED'))).toBe('not-delivered');
    expect(classifyFailure(fetchFailure('ENOTFOUND'))).toBe('not-delivered');
  });

  it('a reset connection or a timeout may have reached it', () => {
    expect(classifyFailure(fetchFailure('ECONNRESET'))).toBe('transient');
    expect(classifyFailure(new TaskCancelledError('timed out'))).toBe('transient');
    expect(classifyFailure(new DOMException('signal timed out', 'TimeoutError'))).toBe('transient');
    expect(classifyFailure(new TypeError('fetch failed'))).toBe('transient');
  });

  it('programming errors are permanent', () => {
    expect(classifyFailure(new Error('boom'))).toBe('permanent');
    expect(classifyFailure(new TypeError('x is not a function'))).toBe('permanent');
    expect(isTransientFailure('a string')).toBe(false);
  });
});

describe('isRetryable', () => {
  it('retries a non-idempotent request only when the provider surely did not act', () => {
    expect(isRetryable(new UpstreamHttpError(429, 1000), false)).toBe(true);
    expect(isRetryable(fetchFailure('ECONNREFUSED'), false)).toBe(true);
    expect(isRetryable(new UpstreamHttpError(500, undefined), false)).toBe(false);
    expect(isRetryable(fetchFailure('ECONNRESET'), false)).toBe(false);
  });

  it('retries an idempotent request on any transient failure', () => {
    expect(isRetryable(new UpstreamHttpError(500, undefined), true)).toBe(true);
    expect(isRetryable(fetchFailure('ECONNRESET'), true)).toBe(true);
    expect(isRetryable(new UpstreamHttpError(404, undefined), true)).toBe(false);
  });
});
