import { plainNatsClient, startTestService, testNamespace } from '@callfleet/testing';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { echoService } from './echo.fixture';

/** The value of the sample of `name` carrying all of `labels` (in any order) in Prometheus text format. */
function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...match[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('logs and metrics of a running service', () => {
  const namespace = testNamespace();
  let service: Awaited<ReturnType<typeof startTestService>>;
  let nc: NatsConnection;

  const request = async (subject: string, body: unknown, h: Record<string, string> = {}) => {
    const hdrs = headers();
    for (const [k, v] of Object.entries(h)) hdrs.set(k, v);
    return nc.request(`${namespace}.${subject}`, JSON.stringify(body), { timeout: 3_000, headers: hdrs });
  };

  beforeAll(async () => {
    service = await startTestService(echoService, { namespace });
    nc = await plainNatsClient();
  });
  afterAll(async () => {
    await nc?.close();
    await service?.close();
  });

  it('writes JSON lines with the service, request id and org of the work, and never a secret', async () => {
    const secrets = ['hunter2-top', 'rt-0123456789', 'Bearer eyJ.secret', 'nested-pw-42'];
    await request(
      'echo.v1.log',
      {
        note: 'visible',
        password: secrets[0],
        refreshToken: secrets[1],
        headers: { authorization: secrets[2] },
        user: { email: 'a@b.example', password: secrets[3] },
      },
      { 'x-request-id': 'req-obs-1', 'x-org-id': 'org-7' },
    );

    const line = service.logs.lines.find((l) => l.msg === 'echo received');
    expect(line).toMatchObject({
      level: 'info',
      service: 'media-stream',
      requestId: 'req-obs-1',
      orgId: 'org-7',
      note: 'visible',
      password: '[redacted]',
      refreshToken: '[redacted]',
      headers: { authorization: '[redacted]' },
      user: { email: 'a@b.example', password: '[redacted]' },
    });
    for (const secret of secrets) expect(service.logs.text()).not.toContain(secret);
  });

  it('exposes HTTP and NATS handler latency on /metrics, labelled by route and subject', async () => {
    await fetch(`${service.url}/health/live`);
    await fetch(`${service.url}/no/such/route/12345`);
    await request('echo.v1.repeat', { text: 'a', times: 2 });
    await request('echo.v1.fail', {});

    const response = await fetch(`${service.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const count = (metric: string, labels: Record<string, string>) => sampleValue(text, `${metric}_count`, labels);

    expect(
      count('callfleet_http_request_duration_seconds', {
        method: 'GET',
        route: '/health/live',
        status_code: '200',
        outcome: 'ok',
      }),
    ).toBe(1);
    // Unknown paths share one label value, so a scanner cannot blow up the series count.
    expect(count('callfleet_http_request_duration_seconds', { route: 'unmatched', status_code: '404' })).toBe(1);
    expect(text).not.toContain('/no/such/route');
    expect(count('callfleet_nats_handler_duration_seconds', { subject: 'echo.v1.repeat', outcome: 'ok' })).toBe(1);
    expect(
      count('callfleet_nats_handler_duration_seconds', { subject: 'echo.v1.fail', outcome: 'STATE_CONFLICT' }),
    ).toBe(1);
    expect(sampleValue(text, 'process_cpu_seconds_total', { service: 'media-stream' })).toBeGreaterThan(0);
  });
});
