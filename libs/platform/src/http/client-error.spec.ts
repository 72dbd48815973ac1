import { clientErrorBody, rawErrorResponse } from './client-error';
import { timeoutCheckInterval } from './http-server';

describe('answers to requests the HTTP parser refuses', () => {
  it('names each refusal with a code of the closed list', () => {
    expect(clientErrorBody({ code: 'HPE_HEADER_OVERFLOW' }).code).toBe('HEADERS_TOO_LARGE');
    expect(clientErrorBody({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }).code).toBe('REQUEST_TIMEOUT');
    expect(clientErrorBody({ code: 'HPE_UNEXPECTED_CONTENT_LENGTH', reason: 'Duplicate Content-Length' })).toEqual({
      code: 'BAD_REQUEST',
      message: 'Malformed HTTP request: Duplicate Content-Length',
    });
  });

  it('never echoes a reason that is not one of the parser’s plain phrases', () => {
    expect(clientErrorBody({ code: 'HPE_INVALID_METHOD', reason: 'x\r\nSet-Cookie: a=b' }).message).toBe(
      'Malformed HTTP request',
    );
  });

  it('writes a whole answer: status line, JSON length, Connection: close, the envelope', () => {
    const wire = rawErrorResponse({ code: 'HEADERS_TOO_LARGE', message: 'Request headers are too large' }, 'req-1');
    const [head, body] = wire.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(head).toContain('connection: close');
    expect(head).toContain(`content-length: ${Buffer.byteLength(body)}`);
    expect(JSON.parse(body)).toEqual({
      error: 'Request headers are too large',
      code: 'HEADERS_TOO_LARGE',
      requestId: 'req-1',
      timestamp: expect.any(String),
    });
  });
});

describe('timeoutCheckInterval', () => {
  it('looks for late requests at a quarter of the shorter limit, between 100 ms and 30 s', () => {
    expect(timeoutCheckInterval(10_000, 30_000)).toBe(2_500);
    expect(timeoutCheckInterval(0, 1_000)).toBe(250);
    expect(timeoutCheckInterval(100, 100)).toBe(100);
    expect(timeoutCheckInterval(600_000, 3_600_000)).toBe(30_000);
    expect(timeoutCheckInterval(0, 0)).toBe(30_000);
  });
});
