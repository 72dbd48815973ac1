import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, startTestService, testNamespace, waitFor } from '@callfleet/testing';
import { gatewayService } from '../src/gateway.definition';
import { envelopeOf, GatewayClient, PASSWORD } from './gateway-fleet';

/**
 * The gateway on a broker without JetStream: core NATS works, the KV store behind the rate limits
 * does not. Reads go on (their budgets are tallied locally), writes are refused (fail closed), and both are counted.
 */
describe('gateway when the rate limit store is unavailable', () => {
  let broker: ChildProcess;
  let gateway: Awaited<ReturnType<typeof startTestService>>;
  let client: GatewayClient;

  beforeAll(async () => {
    const port = await freePort();
    // A private broker started without -js (never the shared one).
    broker = spawn(process.env.NATS_SERVER_BIN ?? 'nats-server', ['-a', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
    });
    const natsUrl = `nats://127.0.0.1:${port}`;
    // The platform's connection waits for the broker to come up (waitOnFirstConnect).
    gateway = await startTestService(gatewayService, { namespace: testNamespace(), natsUrl });
    client = new GatewayClient(gateway.url);
  });

  afterAll(async () => {
    await gateway?.close();
    broker?.kill('SIGTERM');
  });

  it('lets reads through (here to the credentials check) and refuses logins with 503', async () => {
    const read = await client.api('GET', '/users');
    expect(read.status).toBe(401);
    expect(envelopeOf(read).code).toBe('MISSING_CREDENTIALS');
    // The per-IP budget of anonymous calls is tallied locally while the store is away.
    expect(read.headers.get('x-ratelimit-remaining')).toBe('99');

    const login = await client.api('POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } });
    expect(login.status).toBe(503);
    expect(envelopeOf(login).code).toBe('SERVICE_UNAVAILABLE');

    const metrics = () => client.call('GET', '/metrics').then((m) => m.text);
    // The local tally's flush to the store fails a moment later, and is counted.
    await waitFor(
      async () =>
        /callfleet_gateway_rate_limit_store_errors_total\{[^}]*fallback="open"[^}]*\} [1-9]/.test(await metrics()),
      5_000,
      'the failed flush to be counted',
    );
    expect(await metrics()).toMatch(
      /callfleet_gateway_rate_limit_store_errors_total\{[^}]*fallback="closed"[^}]*\} [1-9]/,
    );
  });
});
