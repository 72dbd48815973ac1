import {
  plainNatsClient,
  startTestService,
  TestDatabase,
  TestNatsServer,
  testNamespace,
  waitFor,
} from '@callfleet/testing';
import { callOrchestratorService } from '../../../apps/call-orchestrator/src/call-orchestrator.definition';
import { mediaStreamService } from '../../../apps/media-stream/src/media-stream.definition';
import { echoService } from './echo.fixture';

type Started = Awaited<ReturnType<typeof startTestService>>;

async function readiness(service: Started): Promise<{ status: number; body: { details?: Record<string, unknown> } }> {
  const response = await fetch(`${service.url}/health/ready`);
  return { status: response.status, body: (await response.json()) as { details?: Record<string, unknown> } };
}

describe('readiness follows NATS (private broker, stopped and started again)', () => {
  const namespace = testNamespace();
  let broker: TestNatsServer;
  let database: TestDatabase;
  let orchestrator: Started;
  let mediaStream: Started;
  let echo: Started;

  beforeAll(async () => {
    broker = await TestNatsServer.start();
    database = await TestDatabase.create();
    const natsUrl = broker.url;
    orchestrator = await startTestService(callOrchestratorService, { namespace, natsUrl, databaseUrl: database.url });
    mediaStream = await startTestService(mediaStreamService, { namespace, natsUrl });
    echo = await startTestService(echoService, { namespace, natsUrl });
  });

  afterAll(async () => {
    for (const service of [echo, mediaStream, orchestrator]) await service?.close();
    await broker?.dispose();
    await database?.drop();
  });

  it('answers 503 naming NATS while the broker is down, and 200 again once it is back, in the same process', async () => {
    const services = [orchestrator, mediaStream];
    for (const service of services) expect((await readiness(service)).status).toBe(200);

    await broker.stop();
    for (const service of services) {
      const down = await waitFor(
        async () => {
          const answer = await readiness(service);
          return answer.status === 503 && answer;
        },
        10_000,
        `readiness 503 at ${service.url}`,
      );
      expect(down.body.details?.nats).toMatchObject({ status: 'down' });
    }
    // Liveness never follows a dependency: a broker outage must not make Kubernetes restart pods.
    expect((await fetch(`${orchestrator.url}/health/live`)).status).toBe(200);

    await broker.resume();
    for (const service of services) {
      await waitFor(async () => (await readiness(service)).status === 200, 10_000, 'readiness 200 after restart');
    }
    expect((await readiness(orchestrator)).body.details?.postgres).toMatchObject({ status: 'up' });
  });

  it('answers NATS requests again after a broker restart (its subscriptions come back)', async () => {
    await broker.restart();
    const nc = await plainNatsClient(broker.url);
    try {
      const reply = await waitFor(
        async () =>
          (
            await nc.request(`${namespace}.echo.v1.repeat`, JSON.stringify({ text: 'hi', times: 2 }), {
              timeout: 1_000,
            })
          ).json<{ text: string }>(),
        10_000,
        'echo answers after the restart',
      );
      expect(reply.text).toBe('hihi');
      // Each service reconnects on its own schedule, so the orchestrator is waited for too.
      const ping = await waitFor(
        async () => (await nc.request('$SRV.PING.call-orchestrator', '', { timeout: 1_000 })).json<{ name: string }>(),
        10_000,
        'the orchestrator answers discovery after the restart',
      );
      expect(ping.name).toBe('call-orchestrator');
    } finally {
      await nc.close();
    }
  });
});
