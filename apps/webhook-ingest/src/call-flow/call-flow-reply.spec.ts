import { AppException } from '@callfleet/platform';
import { missReason, readCallFlowReply } from './call-flow.service';

describe('readCallFlowReply', () => {
  it('takes a well-formed answer as it is', () => {
    expect(readCallFlowReply({ contentType: 'application/xml', body: '<Response/>' })).toEqual({
      contentType: 'application/xml',
      body: '<Response/>',
    });
  });

  it('refuses anything else, so the caller gets the fallback instead of a broken document', () => {
    for (const reply of [
      null,
      'string',
      [],
      {},
      { contentType: 'application/xml' },
      { contentType: '', body: '<Response/>' },
      { contentType: 'application/xml', body: 42 },
      { contentType: 'application/xml', body: 'x'.repeat(64_001) },
      { contentType: 'application/xml', body: '<Response/>', extra: true },
    ]) {
      expect(readCallFlowReply(reply)).toBeUndefined();
    }
  });
});

describe('missReason', () => {
  it('tells a slow orchestrator from an absent one and from an error it answered', () => {
    expect(missReason(new AppException('TIMEOUT', 'slow'))).toBe('timeout');
    expect(missReason(new AppException('SERVICE_UNAVAILABLE', 'nobody'))).toBe('no-responder');
    expect(missReason(new AppException('NOT_FOUND', 'no such call'))).toBe('error');
    expect(missReason(new Error('boom'))).toBe('error');
  });
});
