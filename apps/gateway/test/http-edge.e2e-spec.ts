import type { HttpErrorEnvelope } from '@callfleet/contracts';
import {
  expectBusyClientsToRead413,
  expectErrorEnvelope,
  postWholeBodyThenRead,
  startTestService,
  testNamespace,
} from '@callfleet/testing';
import { gatewayService } from '../src/gateway.definition';

type Gateway = Awaited<ReturnType<typeof startTestService>>;

const BODY_LIMIT = 64 * 1024;

/** The gateway's own edge (no auth behind it is needed): what a browser or script reads at the door. */
describe('gateway edge: oversize bodies, CORS refusals and client addresses', () => {
  const started: Gateway[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const gateway = await startTestService(gatewayService, {
      namespace: testNamespace(),
      env: { BODY_LIMIT_BYTES: String(BODY_LIMIT), ...env },
    });
    started.push(gateway);
    return gateway;
  };
  afterAll(async () => {
    for (const gateway of started) await gateway.close();
  });

  describe('one gateway without a proxy in front', () => {
    let gateway: Gateway;
    let limited: Gateway;
    beforeAll(async () => {
      gateway = await start();
      limited = await start({ RATE_LIMIT_ANONYMOUS: '3/15m' });
    });

    it('answers an oversize login body 413 with the envelope to busy kept-alive fetch and http clients', async () => {
      for (const size of [BODY_LIMIT + 1, 10_000_000]) {
        await expectBusyClientsToRead413(`${gateway.url}/api/v1/auth/login`, size);
        const whole = await postWholeBodyThenRead(gateway.url, '/api/v1/auth/login', size);
        expect(whole.error).toBeUndefined();
        expect(whole.answer?.status).toBe(413);
      }
    });

    it('refuses an incomplete CORS preflight with the envelope, and still answers a whole one', async () => {
      for (const headers of [{}, { origin: 'http://localhost:5173' }, { 'access-control-request-method': 'POST' }]) {
        const refused = await fetch(`${gateway.url}/api/v1/auth/login`, { method: 'OPTIONS', headers });
        expect(refused.status).toBe(400);
        expectErrorEnvelope(await refused.json(), refused.headers);
      }
      const whole = await fetch(`${gateway.url}/api/v1/auth/login`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
      });
      expect(whole.status).toBe(204);
      expect(whole.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      const foreign = await fetch(`${gateway.url}/api/v1/auth/login`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
      });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('keeps one anonymous budget per socket address, whatever X-Forwarded-For claims', async () => {
      const statuses: number[] = [];
      for (let i = 1; i <= 4; i++) {
        const answer = await fetch(`${limited.url}/api/v1/auth/me`, {
          headers: { 'x-forwarded-for': `198.51.100.${i}`, 'x-forwarded-proto': 'https' },
        });
        statuses.push(answer.status);
        await answer.text();
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    });
  });

  describe('behind one trusted proxy (TRUSTED_PROXY_HOPS=1)', () => {
    let gateway: Gateway;
    beforeAll(async () => {
      gateway = await start({ RATE_LIMIT_ANONYMOUS: '3/15m', TRUSTED_PROXY_HOPS: '1' });
    });

    const meFrom = async (forwardedFor: string) => {
      const answer = await fetch(`${gateway.url}/api/v1/auth/me`, { headers: { 'x-forwarded-for': forwardedFor } });
      const body = (await answer.json()) as HttpErrorEnvelope;
      return { status: answer.status, code: body.code };
    };

    it('counts each client the proxy names on its own budget, ignoring what the client wrote before it', async () => {
      // The proxy appends the address it saw; the entry before it is the client's own claim.
      for (let i = 0; i < 3; i++) expect((await meFrom(`10.9.9.${i}, 203.0.113.7`)).status).toBe(401);
      expect(await meFrom('10.9.9.99, 203.0.113.7')).toEqual({ status: 429, code: 'RATE_LIMIT_EXCEEDED' });
      expect((await meFrom('203.0.113.8')).status).toBe(401);
    });
  });
});
