import { defineCommand, NATS_SERVICE_ERROR, NATS_SERVICE_ERROR_CODE, NO_BODY, replyOf } from '@callfleet/contracts';
import { discoveryAnswerOf, plainNatsClient, startTestService, testNamespace } from '@callfleet/testing';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { Controller, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { AppException, Command, NatsConnectionService, NatsRpcClient, RequestContext } from '../src';
import { EchoCommands, echoService, UnansweredCommand } from './echo.fixture';

const ORG = '5b0f8a52-3c0b-4a43-8d7e-3f3c0e9b1a10';
const USER = 'a3d5b7c9-1e2f-4a6b-8c0d-2e4f6a8b0c1d';

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
    const ping = await discoveryAnswerOf<{ type: string; name: string; id: string }>(nc, 'PING', 'media-stream', ns);
    expect(ping).toMatchObject({ type: 'io.nats.micro.v1.ping_response', name: 'media-stream' });
    const ours = await discoveryAnswerOf<{
      type: string;
      id: string;
      version: string;
      endpoints: { subject: string; queue_group: string }[];
    }>(nc, 'INFO', 'media-stream', ns);
    expect(ours.id).toBe(ping.id);
    expect(ours.type).toBe('io.nats.micro.v1.info_response');
    expect(ours.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(ours.endpoints.map((e) => e.subject)).toContain(`${ns}.echo.v1.repeat`);
    expect(ours.endpoints[0].queue_group).toBe('media-stream');

    const repeatStats = async () => {
      const reply = await nc.request(`$SRV.STATS.media-stream.${ours.id}`, '', { timeout: 2000 });
      const { endpoints } = reply.json<{ endpoints: { name: string; num_requests: number; num_errors: number }[] }>();
      return endpoints.find((e) => e.name === 'echo.v1.repeat') ?? { num_requests: 0, num_errors: 0 };
    };
    const before = await repeatStats();
    await request('echo.v1.repeat', { text: 'a', times: 1 });
    await request('echo.v1.repeat', { text: 'b', times: 2 });
    await request('echo.v1.repeat', { text: 'c' });
    const after = await repeatStats();
    expect(after.num_requests - before.num_requests).toBe(3);
    expect(after.num_errors - before.num_errors).toBe(1);
  });

  it('gives the typed client TIMEOUT when nobody answers in time and SERVICE_UNAVAILABLE with no responders', async () => {
    const client = service.app.get(NatsRpcClient);
    await expect(client.call(EchoCommands.Slow, { ms: 500 }, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    await expect(client.call(UnansweredCommand, {})).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(client.call(EchoCommands.Fail, {})).rejects.toMatchObject({ code: 'STATE_CONFLICT' });
  });

  it('sends a command with rpc.call and answers its typed reply', async () => {
    const client = service.app.get(NatsRpcClient);
    const reply = await RequestContext.run({ requestId: 'req-call-1', orgId: 'org-9' }, () =>
      client.call(EchoCommands.Repeat, { text: 'xy', times: 2 }),
    );
    expect(reply).toEqual({ text: 'xyxy', subject: 'echo.v1.repeat', orgId: 'org-9', requestId: 'req-call-1' });
  });

  it('answers a payload its descriptor refuses as a NATS service error, before the handler runs', async () => {
    const plain = await request('echo.v1.repeat', { text: 'ab', times: 0 });
    expect(plain.headers?.get(NATS_SERVICE_ERROR_CODE)).toBe('400');
    expect(plain.headers?.get(NATS_SERVICE_ERROR)).toBe('Validation failed');
    expect(plain.body).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'Validation failed',
      details: { fields: [{ field: 'times', problems: ['times must not be less than 1'] }] },
    });

    const client = service.app.get(NatsRpcClient);
    const refused = await client.call(EchoCommands.Repeat, { text: 'ab', times: 1.5 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppException);
    expect(refused).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { fields: [{ field: 'times', problems: ['times must be an integer number'] }] },
    });
    // A command without a body takes `{}` (or nothing) and refuses any field.
    const extra = await request('echo.v1.fail', { admin: true });
    expect(extra.body).toMatchObject({ code: 'VALIDATION_ERROR', details: { fields: [{ field: 'admin' }] } });
    const empty = await nc.request(`${ns}.echo.v1.fail`, '', { timeout: 3000 });
    expect(empty.json<{ code: string }>().code).toBe('STATE_CONFLICT');
  });

  it('hands the caller from the headers to the handler as @Caller(), and refuses a request without one', async () => {
    const caller = await request(
      'echo.v1.whoami',
      {},
      {
        'x-request-id': 'req-who',
        'x-org-id': ORG,
        'x-user-id': USER,
        'x-roles': 'admin,superuser',
      },
    );
    expect(caller.body).toEqual({ requestId: 'req-who', orgId: ORG, userId: USER, roles: ['admin'] });
    const anonymous = await request('echo.v1.whoami', {}, { 'x-org-id': ORG });
    expect(anonymous.headers?.get(NATS_SERVICE_ERROR_CODE)).toBe('401');
    expect(anonymous.body.code).toBe('UNAUTHORIZED');
  });

  it('refuses to start a service with a NATS handler that is not a @Command', async () => {
    @Controller()
    class BareHandlers {
      @MessagePattern('echo.v1.bare')
      bare(body: unknown) {
        return body;
      }
    }
    @Module({ controllers: [BareHandlers] })
    class BareModule {}
    await expect(
      startTestService({ ...echoService, module: BareModule }, { namespace: testNamespace() }),
    ).rejects.toThrow(/echo\.v1\.bare is not declared with @Command/);
  });

  it('refuses to start a service answering a command its definition does not declare', async () => {
    const undeclared = { ...echoService, nats: { serves: [EchoCommands.Repeat] } };
    await expect(startTestService(undeclared, { namespace: testNamespace() })).rejects.toThrow(
      /media-stream answers echo\.v1\.whoami, which its definition does not declare \(add it to nats\.serves/,
    );
  });

  it('refuses a call of a command the definition does not declare, before anything is sent', async () => {
    const client = service.app.get(NatsRpcClient);
    const sent: string[] = [];
    const spy = await plainNatsClient();
    spy.subscribe(`${ns}.other.v1.>`, {
      callback: (_e, msg) => {
        sent.push(msg.subject);
      },
    });
    await spy.flush();
    const other = defineCommand({ subject: 'other.v1.thing', request: NO_BODY, response: replyOf<never>('Never') });
    await expect(client.call(other, {})).rejects.toThrow(/media-stream calls other\.v1\.thing.*nats\.calls/);
    await spy.flush();
    expect(sent).toEqual([]);
    await spy.close();
  });

  it('refuses to start a service answering a public command without a way to authenticate teams', async () => {
    const Public = defineCommand({
      subject: 'echo.v1.public',
      request: NO_BODY,
      response: replyOf<{ ok: true }>('Ok'),
      public: true,
    });
    @Controller()
    class PublicHandlers {
      @Command(Public)
      answer() {
        return { ok: true };
      }
    }
    @Module({ controllers: [PublicHandlers] })
    class PublicModule {}
    await expect(
      startTestService(
        { ...echoService, module: PublicModule, nats: { serves: [Public] } },
        { namespace: testNamespace() },
      ),
    ).rejects.toThrow(/echo\.v1\.public is public.*must import CallerAuthenticationModule/);
  });

  it('gives every concurrent request its own reply, also right after a timed-out one', async () => {
    const client = service.app.get(NatsRpcClient);
    const slow = client.call(EchoCommands.Slow, { ms: 300 }, { timeoutMs: 50 });
    await expect(slow).rejects.toMatchObject({ code: 'TIMEOUT' });
    // Issued while the slow reply is still on its way: none of them may receive it.
    const texts = Array.from({ length: 40 }, (_, i) => `r${i}-`);
    const answers = await Promise.all(texts.map((text) => client.call(EchoCommands.Repeat, { text, times: 2 })));
    expect(answers.map((answer) => answer.text)).toEqual(texts.map((text) => text.repeat(2)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.app.get(NatsConnectionService).replies.waiting).toBe(0);
  });
});
