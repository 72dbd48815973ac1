import { NATS_SERVICE_ERROR, NATS_SERVICE_ERROR_CODE } from '@callfleet/contracts';
import { plainNatsClient, startTestService, testNamespace } from '@callfleet/testing';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { NatsConnectionService, NatsRpcClient } from '../src';
import { echoService } from './echo.fixture';

describe('NATS wire format (plain client, no Nest)', () => {
  const ns = testNamespace();
  let service: Awaited<ReturnType<typeof startTestService>>;
  let nc: NatsConnection;
  const request = async (subject: string, body: unknown, h?: Record<string, string>) => {
    const hdrs = headers();
    for (const [k, v] of Object.entries(h ?? {})) hdrs.set(k, v);
    const reply = await nc.request(`${ns}.${subject}`, JSON.stringify(body), { timeout: 3000, headers: hdrs });
    return { body: reply.json<Record<string, unknown>>(), headers: reply.headers };
  };

  beforeAll(async () => {
    service = await startTestService(echoService, { namespace: ns });
    nc = await plainNatsClient();
  });
  afterAll(async () => {
    await nc?.close();
    await service?.close();
  });

  it('answers a plain JSON request with plain JSON, carrying the caller headers into the context', async () => {
    const reply = await request(
      'echo.v1.repeat',
      { text: 'ab', times: 3 },
      { 'x-org-id': 'org-1', 'x-request-id': 'req-42' },
    );
    expect(reply.headers?.get(NATS_SERVICE_ERROR_CODE) ?? '').toBe('');
    expect(reply.body).toEqual({ text: 'ababab', subject: 'echo.v1.repeat', orgId: 'org-1', requestId: 'req-42' });
  });

  it('refuses an invalid body with 400 / VALIDATION_ERROR naming the field', async () => {
    const reply = await request('echo.v1.repeat', { text: 'ab' });
    expect(reply.headers?.get(NATS_SERVICE_ERROR_CODE)).toBe('400');
    expect(reply.headers?.get(NATS_SERVICE_ERROR)).toBe('Validation failed');
    expect(reply.body.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(reply.body.details)).toContain('times');
  });

  it('refuses unknown fields and a body that is not JSON', async () => {
    const unknown = await request('echo.v1.repeat', { text: 'a', times: 1, admin: true });
    expect(unknown.body.code).toBe('VALIDATION_ERROR');
    const reply = await nc.request(`${ns}.echo.v1.repeat`, '{not json', { timeout: 3000 });
    expect(reply.headers?.get(NATS_SERVICE_ERROR_CODE)).toBe('400');
    expect(reply.json<{ code: string }>().code).toBe('BAD_REQUEST');
    const deep = await nc.request(`${ns}.echo.v1.repeat`, `${'['.repeat(5000)}${']'.repeat(5000)}`, { timeout: 3000 });
    expect(deep.headers?.get(NATS_SERVICE_ERROR_CODE)).toBe('400');
    expect(deep.json<{ message: string }>().message).toMatch(/nests deeper/);
  });

  it('maps a domain error to its code and status, and hides internals of an unexpected one', async () => {
    const conflict = await request('echo.v1.fail', {});
    expect(conflict.headers?.get(NATS_SERVICE_ERROR_CODE)).toBe('409');
    expect(conflict.body).toEqual({ code: 'STATE_CONFLICT', message: 'not now', details: { reason: 'testing' } });
    const crash = await request('echo.v1.crash', {});
    expect(crash.headers?.get(NATS_SERVICE_ERROR_CODE)).toBe('500');
    expect(crash.body).toEqual({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
  });

  it('answers $SRV.PING and $SRV.INFO with its endpoints and counts them in $SRV.STATS', async () => {
    const replies: Record<string, unknown>[] = [];
    const inbox = nc.subscribe('_INBOX.srvtest.>', {
      callback: (_e, m) => {
        replies.push(m.json());
      },
    });
    nc.publish('$SRV.INFO.media-stream', '', { reply: '_INBOX.srvtest.1' });
    await new Promise((r) => setTimeout(r, 500));
    inbox.unsubscribe();
    const ours = replies.find((r) => (r.metadata as { namespace: string }).namespace === ns) as {
      type: string;
      version: string;
      endpoints: { subject: string; queue_group: string }[];
    };
    expect(ours.type).toBe('io.nats.micro.v1.info_response');
    expect(ours.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(ours.endpoints.map((e) => e.subject)).toContain(`${ns}.echo.v1.repeat`);
    expect(ours.endpoints[0].queue_group).toBe('media-stream');
    const stats = (
      await nc.request(`$SRV.STATS.media-stream.${(ours as unknown as { id: string }).id}`, '', { timeout: 2000 })
    ).json<{
      endpoints: { name: string; num_requests: number; num_errors: number }[];
    }>();
    const repeat = stats.endpoints.find((e) => e.name === 'echo.v1.repeat');
    expect(repeat?.num_requests).toBeGreaterThanOrEqual(3);
    expect(repeat?.num_errors).toBeGreaterThanOrEqual(2);
  });

  it('gives the typed client TIMEOUT when nobody answers in time and SERVICE_UNAVAILABLE with no responders', async () => {
    const client = service.app.get(NatsRpcClient);
    await expect(client.request('echo.v1.slow', { ms: 500 }, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    await expect(client.request('nobody.v1.home', {})).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(client.request('echo.v1.fail', {})).rejects.toMatchObject({ code: 'STATE_CONFLICT' });
  });

  it('gives every concurrent request its own reply, also right after a timed-out one', async () => {
    const client = service.app.get(NatsRpcClient);
    const slow = client.request('echo.v1.slow', { ms: 300 }, { timeoutMs: 50 });
    await expect(slow).rejects.toMatchObject({ code: 'TIMEOUT' });
    // Issued while the slow reply is still on its way: none of them may receive it.
    const texts = Array.from({ length: 40 }, (_, i) => `r${i}-`);
    const answers = await Promise.all(
      texts.map((text) => client.request<{ text: string }>('echo.v1.repeat', { text, times: 2 })),
    );
    expect(answers.map((answer) => answer.text)).toEqual(texts.map((text) => text.repeat(2)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.app.get(NatsConnectionService).replies.waiting).toBe(0);
  });
});
