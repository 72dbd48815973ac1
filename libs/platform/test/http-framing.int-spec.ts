import http from 'node:http';
import type { HttpErrorEnvelope } from '@callfleet/contracts';
import {
  expectBusyClientsToRead413,
  postWholeBodyThenRead,
  postWithNodeHttp,
  RawConnection,
  startTestService,
  testNamespace,
  type WireAnswer,
} from '@callfleet/testing';
import { echoService } from './echo.fixture';

const BODY_LIMIT = 1024 * 1024; // the platform's default
const OVERSIZE = { 'just over the limit': BODY_LIMIT + 1, 'twice the limit': 2 * BODY_LIMIT, '10 MB': 10_000_000 };
const GOOD_REQUEST = 'GET /echo/origin HTTP/1.1\r\nHost: echo\r\n\r\n';

function expectWireEnvelope(answer: WireAnswer | undefined, status: number, code: string): HttpErrorEnvelope {
  expect(answer?.status).toBe(status);
  expect(answer?.headers['content-type']).toMatch(/^application\/json/);
  const envelope = answer?.json() as HttpErrorEnvelope;
  expect(envelope).toEqual({
    error: expect.any(String),
    code,
    requestId: expect.any(String),
    timestamp: expect.any(String),
  });
  return envelope;
}

/**
 * The HTTP edge every service shares (create-service): what a client reads when it sends too
 * much, sends it malformed, sends it too slowly, or claims to come from elsewhere. Real sockets,
 * real clients (fetch, Node's http with keep-alive, raw TCP for what clients never send).
 */
describe('the HTTP edge of a service', () => {
  let service: Awaited<ReturnType<typeof startTestService>>;

  beforeAll(async () => {
    service = await startTestService(echoService, { namespace: testNamespace() });
  });
  afterAll(async () => {
    await service?.close();
  });

  describe('an oversize body is answered 413 with the envelope, and the client reads it', () => {
    it.each(Object.entries(OVERSIZE))('%s, by a client that sends the whole body before reading', async (_, size) => {
      const { answer, error } = await postWholeBodyThenRead(service.url, '/echo', size);
      expect(error).toBeUndefined();
      expectWireEnvelope(answer, 413, 'PAYLOAD_TOO_LARGE');
      expect(answer?.headers.connection).toBe('close');
    });

    it.each(Object.entries(OVERSIZE))(
      '%s, with fetch and http from a busy client on a kept-alive connection',
      async (_, size) => {
        await expectBusyClientsToRead413(`${service.url}/echo`, size);
      },
    );

    it.each(Object.entries(OVERSIZE))(
      '%s, with http on a kept-alive connection, which then serves the next request',
      async (_, size) => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const url = `${service.url}/echo`;
          for (const chunked of [false, true]) {
            // A request first, so the oversize one goes out on a connection that is already in use.
            expect((await postWithNodeHttp(url, Buffer.from('{"a":1}'), { agent })).status).toBe(200);
            const refused = await postWithNodeHttp(url, Buffer.alloc(size, 'a'), { agent, chunked });
            expect(refused.status).toBe(413);
            expect(JSON.parse(refused.body)).toMatchObject({
              code: 'PAYLOAD_TOO_LARGE',
              requestId: expect.any(String),
            });
            expect(refused.headers.connection).toBe('close');
            const next = await postWithNodeHttp(url, Buffer.from('{"after":true}'), { agent });
            expect(next.status).toBe(200);
            expect(JSON.parse(next.body)).toEqual({ received: { after: true } });
          }
        } finally {
          agent.destroy();
        }
      },
    );
  });

  describe('after a request the HTTP parser refuses, the answer is the envelope with Connection: close', () => {
    const refusals: [string, string, number, string][] = [
      [
        'headers too large',
        `GET /echo/origin HTTP/1.1\r\nHost: echo\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'HEADERS_TOO_LARGE',
      ],
      [
        'two Content-Lengths',
        'POST /echo HTTP/1.1\r\nHost: echo\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
        400,
        'BAD_REQUEST',
      ],
      [
        'a chunk size that is not hex',
        'POST /echo HTTP/1.1\r\nHost: echo\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        400,
        'BAD_REQUEST',
      ],
      ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400, 'BAD_REQUEST'],
    ];

    it.each(refusals)('%s, on a kept-alive connection', async (_, request, status, code) => {
      const connection = await RawConnection.open(service.url);
      await connection.write(GOOD_REQUEST);
      expect((await connection.waitForAnswers(1))[0].status).toBe(200);
      await connection.write(request);
      const { answers } = await connection.closed();
      expect(answers).toHaveLength(2);
      expectWireEnvelope(answers[1], status, code);
      expect(answers[1].headers.connection).toBe('close');
    });

    it('so that a kept-alive http client’s next request goes out on a new connection and succeeds', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = (headers: Record<string, string> = {}) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          http
            .get(`${service.url}/echo/origin`, { agent, headers }, (response) => {
              let body = '';
              response.on('data', (chunk) => {
                body += chunk;
              });
              response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
            })
            .on('error', reject);
        });
      try {
        for (let i = 0; i < 5; i++) {
          expect((await get()).status).toBe(200);
          const refused = await get({ 'x-big': 'a'.repeat(20_000) });
          expect(refused.status).toBe(431);
          expect(JSON.parse(refused.body).code).toBe('HEADERS_TOO_LARGE');
        }
        expect((await get()).status).toBe(200);
      } finally {
        agent.destroy();
      }
    });
  });

  describe('answers Node would give without a body carry the envelope', () => {
    it('an Expect other than 100-continue: 417', async () => {
      const connection = await RawConnection.open(service.url);
      await connection.write(
        'POST /echo HTTP/1.1\r\nHost: echo\r\nExpect: 200-ok\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
      );
      const { answers } = await connection.closed();
      expectWireEnvelope(answers[0], 417, 'EXPECTATION_FAILED');
    });

    it('an HTTP/1.1 request without Host: 400', async () => {
      const connection = await RawConnection.open(service.url);
      await connection.write('GET /echo/origin HTTP/1.1\r\n\r\n');
      const [answer] = await connection.waitForAnswers(1);
      connection.destroy();
      expectWireEnvelope(answer, 400, 'BAD_REQUEST');
    });

    it('an empty JSON body: 400', async () => {
      const response = await fetch(`${service.url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'BAD_REQUEST', requestId: expect.any(String) });
    });
  });
});

describe('slow and bogus senders are cut off', () => {
  let service: Awaited<ReturnType<typeof startTestService>>;

  beforeAll(async () => {
    service = await startTestService(echoService, {
      namespace: testNamespace(),
      env: { HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_DRAIN_TIMEOUT_MS: '500' },
    });
  });
  afterAll(async () => {
    await service?.close();
  });

  it('a request announcing a 2^64-1 byte chunk gets 408 with the envelope, then the connection is closed', async () => {
    const connection = await RawConnection.open(service.url);
    const startedAt = Date.now();
    await connection.write(
      'POST /echo HTTP/1.1\r\nHost: echo\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n{"a":',
    );
    const { answers } = await connection.closed(10_000);
    expectWireEnvelope(answers[0], 408, 'REQUEST_TIMEOUT');
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('headers that never finish get 408 with the envelope', async () => {
    const connection = await RawConnection.open(service.url);
    await connection.write('GET /echo/origin HTTP/1.1\r\nHost: echo\r\nX-Slow: a');
    const { answers } = await connection.closed(10_000);
    expectWireEnvelope(answers[0], 408, 'REQUEST_TIMEOUT');
  });

  it('a connection that never sends a byte is closed', async () => {
    const connection = await RawConnection.open(service.url);
    const { answers } = await connection.closed(10_000);
    expect(answers.map((answer) => answer.status)).toEqual([408]);
  });

  it('a request that arrives in time is answered as usual', async () => {
    const response = await fetch(`${service.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"quick":true}',
    });
    expect(await response.json()).toEqual({ received: { quick: true } });
  });
});

describe('client address, scheme and host come from TRUSTED_PROXY_HOPS alone', () => {
  const forwarded = {
    'x-forwarded-for': '6.6.6.6, 203.0.113.7',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'hooks.example.com',
  };

  const origin = async (hops: string) => {
    const service = await startTestService(echoService, {
      namespace: testNamespace(),
      env: { TRUSTED_PROXY_HOPS: hops },
    });
    try {
      const response = await fetch(`${service.url}/echo/origin`, { headers: forwarded });
      return { seen: await response.json(), host: new URL(service.url).host };
    } finally {
      await service.close();
    }
  };

  it('with 0 hops, X-Forwarded-For/-Proto/-Host are ignored', async () => {
    const { seen, host } = await origin('0');
    expect(seen).toEqual({ ip: '127.0.0.1', protocol: 'http', host });
  });

  it('with 1 hop, the address the proxy saw (not what the client wrote before it), and the proxy’s scheme and host', async () => {
    const { seen } = await origin('1');
    expect(seen).toEqual({ ip: '203.0.113.7', protocol: 'https', host: 'hooks.example.com' });
  });
});
