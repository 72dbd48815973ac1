import { randomUUID } from 'node:crypto';
import {
  type CallDto,
  type CallListDto,
  type CreatedApiKeyDto,
  type MeDto,
  type ProviderAccountDto,
  Streams,
} from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { expectErrorEnvelope, plainNatsClient, startTestService, TestDatabase, waitFor } from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { callOrchestratorService } from '../../call-orchestrator/src/call-orchestrator.definition';
import { webhookIngestService } from '../../webhook-ingest/src/webhook-ingest.definition';
import { type GatewayClient, GatewayFleet, type HttpAnswer, registration, type TokenPair } from './gateway-fleet';
import { SseClient } from './sse-client';

/**
 * /api/v1/calls through the gateway to call-orchestrator (real NATS, PostgreSQL, auth,
 * webhook-ingest for the provider account): roles, org scoping and the error envelope. The account's
 * provider answers nowhere here, so every call's dial fails; placed calls are tested in the
 * orchestrator's own suite, through the simulator.
 */
describe('gateway: calls (auth + gateway + webhook-ingest + call-orchestrator)', () => {
  let fleet: GatewayFleet;
  let db: TestDatabase;
  let ingestDb: TestDatabase;
  let ingest: Awaited<ReturnType<typeof startTestService>>;
  let orchestrator: Awaited<ReturnType<typeof startTestService>>;
  let api: GatewayClient;
  let owner: TokenPair;
  let stranger: TokenPair;
  let viewerKey: string;
  let lineId: string;

  const open: SseClient[] = [];
  const as = (token: string) => ({ token });

  /** `GET /events?types=calls…` as a frontend reads it, once ready. */
  async function liveCalls(token: string, query = ''): Promise<SseClient> {
    const client = await SseClient.open(`${api.baseUrl}/api/v1/events?types=calls${query}`, {
      authorization: `Bearer ${token}`,
    });
    open.push(client);
    expect(client.status).toBe(200);
    await waitFor(async () => client.named('ready').length > 0, 10_000, 'the stream to be ready');
    return client;
  }
  const viewer = () => ({ headers: { 'x-api-key': viewerKey } });

  /** A refusal: the status, and the fleet's error envelope with its code. */
  function refusal(answer: HttpAnswer<unknown>, status: number): string {
    expect({ status: answer.status, body: answer.body }).toEqual({ status, body: expect.anything() });
    return expectErrorEnvelope(answer.body, answer.headers).code;
  }

  beforeAll(async () => {
    fleet = await GatewayFleet.start({ RATE_LIMIT_REGISTER: '50/15m', RATE_LIMIT_ANONYMOUS: '1000/15m' });
    [db, ingestDb] = await Promise.all([TestDatabase.create(), TestDatabase.create()]);
    ingest = await startTestService(webhookIngestService, {
      namespace: fleet.namespace,
      databaseUrl: ingestDb.url,
      env: { DEV_PROVIDER_ACCOUNTS: 'false', LOG_LEVEL: 'warn' },
    });
    orchestrator = await startTestService(callOrchestratorService, {
      namespace: fleet.namespace,
      databaseUrl: db.url,
      env: {
        LOG_LEVEL: 'error',
        WEBHOOKS_PUBLIC_BASE_URL: 'http://127.0.0.1:9',
        MEDIA_STREAM_PUBLIC_URL: 'ws://127.0.0.1:9',
        CALL_PROVIDER_TIMEOUT_MS: '500',
      },
    });
    api = fleet.client();
    owner = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('calls-a') })).body;
    stranger = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('calls-b') })).body;
    const me = (await api.api<MeDto>('GET', '/auth/me', as(owner.accessToken))).body;
    viewerKey = (
      await api.api<CreatedApiKeyDto>('POST', '/api-keys', {
        ...as(owner.accessToken),
        body: { name: 'wallboard', role: 'viewer' },
      })
    ).body.key;
    const account = await api.api<ProviderAccountDto>('POST', '/provider-accounts', {
      ...as(owner.accessToken),
      // A provider that answers nowhere: the dial fails, which is all these routes need.
      body: {
        provider: 'twilio',
        name: 'nowhere',
        apiBaseUrl: 'http://127.0.0.1:9',
        credentials: { accountSid: 'AC1', authToken: 'not-a-real-token' },
      },
    });
    expect(account.status).toBe(201);
    lineId = randomUUID();
    // The org's line, as line sync writes it.
    await db.query(
      `INSERT INTO orchestrator.lines (id, org_id, provider_account_id, provider, provider_line_id, number)
       VALUES ($1, $2, $3, 'twilio', 'PN1', '+15005551000')`,
      [lineId, me.orgId, account.body.id],
    );
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await orchestrator?.close();
    await ingest?.close();
    const nc = await plainNatsClient();
    const jsm = await jetstreamManager(nc);
    for (const stream of [Streams.EVENTS.name, Streams.INGRESS.name]) {
      await jsm.streams.delete(new SubjectNamespace(fleet.namespace).stream(stream)).catch(() => undefined);
    }
    await nc.close();
    await db?.drop();
    await ingestDb?.drop();
    await fleet?.stop();
  });

  it('places a call (201), reads and lists it, streams its events to its org; once over, hang-up and digits answer 409', async () => {
    const mine = await liveCalls(owner.accessToken);
    const theirs = await liveCalls(stranger.accessToken);
    const created = await api.api<CallDto>('POST', '/calls', {
      ...as(owner.accessToken),
      body: { to: '+15550100002', record: true, stream: { bidirectional: true } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      to: '+15550100002',
      from: '+15005551000',
      lineId,
      record: true,
      stream: { bidirectional: true },
      huntId: null,
    });
    const id = created.body.id;
    const read = await api.api<CallDto>('GET', `/calls/${id}`, viewer());
    expect(read.status).toBe(200);
    const list = await api.api<CallListDto>('GET', '/calls?kind=single&limit=10', viewer());
    expect(list.body.items.map((c) => c.id)).toEqual([id]);

    // The provider answers nowhere: the dial fails, the call is over and its line free again.
    const failed = await waitFor(
      async () => {
        const answer = await api.api<CallDto>('GET', `/calls/${id}`, as(owner.accessToken));
        return answer.body.status === 'failed' && answer.body;
      },
      20_000,
      'the dial failed',
    );
    expect(failed).toMatchObject({ endReason: 'dial-failed', providerCallId: null });
    const [held] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orchestrator.lines WHERE leased_call_id IS NOT NULL',
    );
    expect(held.n).toBe(0);
    expect(refusal(await api.api('POST', `/calls/${id}/hangup`, as(owner.accessToken)), 409)).toBe('STATE_CONFLICT');
    expect(
      refusal(await api.api('POST', `/calls/${id}/digits`, { ...as(owner.accessToken), body: { digits: '1' } }), 409),
    ).toBe('STATE_CONFLICT');
    const failedOnes = await api.api<CallListDto>('GET', '/calls?status=failed', viewer());
    expect(failedOnes.body.items.map((c) => c.id)).toContain(id);

    // Live: the call's story over SSE, in order, to its own org only.
    const story = await waitFor(
      async () => {
        const events = mine.events().filter((e) => e.envelope.data.callId === id);
        return events.at(-1)?.envelope.type === 'events.calls.v1.ended' && events;
      },
      10_000,
      'the call’s events over SSE',
    );
    expect(story.map((e) => e.envelope.type)).toEqual([
      'events.calls.v1.created',
      'events.calls.v1.status-changed',
      'events.calls.v1.ended',
    ]);
    expect(story[1].envelope.data).toMatchObject({ from: 'queued', to: 'failed' });
    expect(story[2].envelope.data).toMatchObject({ status: 'failed', reason: 'dial-failed', durationSec: null });
    expect(theirs.events()).toEqual([]);
    const oneCall = await liveCalls(owner.accessToken, `&callId=${randomUUID()}`);
    expect(oneCall.status).toBe(200);
  });

  it('lets a viewer read but not place, hang up or send digits (403)', async () => {
    const some = randomUUID();
    for (const [path, body] of [
      ['/calls', { to: '+15550100002' }],
      [`/calls/${some}/hangup`, undefined],
      [`/calls/${some}/digits`, { digits: '1' }],
    ] as const) {
      expect(refusal(await api.api('POST', path, { ...viewer(), body }), 403)).toBe('INSUFFICIENT_PERMISSIONS');
    }
  });

  it("answers 404 with the envelope for another org's call and line on every route", async () => {
    const mine = (await api.api<CallListDto>('GET', '/calls', as(owner.accessToken))).body.items[0];
    for (const [method, path, body] of [
      ['GET', `/calls/${mine.id}`, undefined],
      ['POST', `/calls/${mine.id}/hangup`, undefined],
      ['POST', `/calls/${mine.id}/digits`, { digits: '1' }],
      ['POST', '/calls', { to: '+15550100002', lineId }],
    ] as const) {
      expect(refusal(await api.api(method, path, { ...as(stranger.accessToken), body }), 404)).toBe('NOT_FOUND');
    }
    const theirs = await api.api<CallListDto>('GET', '/calls', as(stranger.accessToken));
    expect(theirs.body.items).toEqual([]);
  });

  it('answers hostile bodies, paths and queries with 400 and the envelope, and no credentials with 401', async () => {
    for (const body of [
      {},
      { to: '5550100002' },
      { to: '+15550100002<Hangup/>' },
      { to: '+15550100002', lineId: 'line-1' },
      { to: '+15550100002', stream: { bidirectional: 'true' } },
      { to: '+15550100002', record: 1 },
      { to: '+15550100002', admin: true },
    ]) {
      expect({ body, code: refusal(await api.api('POST', '/calls', { ...as(owner.accessToken), body }), 400) }).toEqual(
        { body, code: 'VALIDATION_ERROR' },
      );
    }
    const some = randomUUID();
    for (const digits of ['1a', '9"/><Hangup/>', '', '#'.repeat(65)]) {
      const answer = await api.api('POST', `/calls/${some}/digits`, { ...as(owner.accessToken), body: { digits } });
      expect({ digits, status: answer.status }).toEqual({ digits, status: 400 });
      expectErrorEnvelope(answer.body, answer.headers);
    }
    for (const path of ['/calls/not-a-uuid', '/calls?limit=100000', '/calls?status=talking', '/calls?cursor=%00']) {
      expect({ path, status: (await api.api('GET', path, as(owner.accessToken))).status }).toEqual({
        path,
        status: 400,
      });
    }
    expect(refusal(await api.api('POST', '/calls/not-a-uuid/hangup', as(owner.accessToken)), 400)).toBe(
      'VALIDATION_ERROR',
    );
    expect((await api.api('GET', '/calls')).status).toBe(401);
    expect((await api.api('POST', '/calls', { body: { to: '+15550100002' } })).status).toBe(401);
  });
});
