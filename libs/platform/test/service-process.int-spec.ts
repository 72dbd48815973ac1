import {
  type BuiltProcess,
  ensureBuilt,
  plainNatsClient,
  runBuilt,
  TEST_NATS_URL,
  testNamespace,
  waitFor,
} from '@callfleet/testing';

const ORCHESTRATOR_MAIN = 'dist/apps/call-orchestrator/src/main.js';
const ECHO_MAIN = 'dist/libs/platform/test/echo-service.main.js';

describe('a service process (built, as in production)', () => {
  const started: BuiltProcess[] = [];

  beforeAll(() => ensureBuilt([ORCHESTRATOR_MAIN, ECHO_MAIN]), 240_000);
  afterAll(() => {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  });

  it('refuses to start in production without DATABASE_URL: exit 1, one line naming the variable', async () => {
    const run = runBuilt(ORCHESTRATOR_MAIN, { NODE_ENV: 'production', NATS_URL: TEST_NATS_URL });
    started.push(run);
    const { code } = await run.exit;
    expect(code).toBe(1);
    expect(run.stderr.join('\n')).toMatch(/^call-orchestrator: invalid configuration: .*DATABASE_URL/);
    expect(run.stderr.join('\n')).not.toMatch(/\n\s+at /); // a readable line, not a stack trace
  });

  it('on SIGTERM answers the request already in flight, then exits 0', async () => {
    const namespace = testNamespace();
    const run = runBuilt(ECHO_MAIN, {
      NODE_ENV: 'test',
      PORT: '0',
      HTTP_HOST: '127.0.0.1',
      NATS_URL: TEST_NATS_URL,
      CALLFLEET_NAMESPACE: namespace,
      SHUTDOWN_GRACE_MS: '10000',
    });
    started.push(run);
    await waitFor(async () => run.stdout.some((l) => l.includes('"msg":"media-stream ready"')), 20_000, 'echo ready');
    const nc = await plainNatsClient();
    try {
      const reply = nc.request(`${namespace}.echo.v1.slow`, JSON.stringify({ ms: 1_500 }), { timeout: 8_000 });
      await waitFor(async () => run.stdout.some((l) => l.includes('slow request started')), 5_000, 'request in flight');
      run.child.kill('SIGTERM');
      expect((await reply).json()).toEqual({ done: true });
      expect(await run.exit).toEqual({ code: 0, signal: null });
      expect(run.stdout.some((l) => l.includes('"msg":"shutting down"'))).toBe(true);
    } finally {
      await nc.close();
    }
  });
});
