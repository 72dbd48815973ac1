import { randomUUID } from 'node:crypto';
import { type CreatedApiKeyDto, type HuntDto, type MeDto, Streams } from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { expectErrorEnvelope, plainNatsClient, startTestService, TestDatabase } from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { callOrchestratorService } from '../../call-orchestrator/src/call-orchestrator.definition';
import { type GatewayClient, GatewayFleet, registration, type TokenPair } from './gateway-fleet';

/**
 * /api/v1/hunts through the gateway to call-orchestrator (real NATS, PostgreSQL, auth): roles,
 * org scoping and the error envelope. The hunts' calls themselves are tested in the orchestrator's
 * own suite, through the simulator.
 */
describe('gateway: hunts (auth + gateway + call-orchestrator)', () => {
  let fleet: GatewayFleet;
  let db: TestDatabase;
  let orchestrator: Awaited<ReturnType<typeof startTestService>>;
  let api: GatewayClient;
  let owner: TokenPair;
  let stranger: TokenPair;
  let hunt: HuntDto;

  beforeAll(async () => {
    fleet = await GatewayFleet.start({ RATE_LIMIT_REGISTER: '50/15m', RATE_LIMIT_ANONYMOUS: '1000/15m' });
    db = await TestDatabase.create();
    orchestrator = await startTestService(callOrchestratorService, {
      namespace: fleet.namespace,
      databaseUrl: db.url,
      env: {
        LOG_LEVEL: 'warn',
        WEBHOOKS_PUBLIC_BASE_URL: 'http://127.0.0.1:9',
        MEDIA_STREAM_PUBLIC_URL: 'ws://127.0.0.1:9',
      },
    });
    api = fleet.client();
    owner = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('hunts-a') })).body;
    stranger = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('hunts-b') })).body;
    const me = (await api.api<MeDto>('GET', '/auth/me', { token: owner.accessToken })).body;
    // The org's lines and default destination, as line sync and the destinations API write them.
    await db.query(
      `INSERT INTO orchestrator.lines (id, org_id, provider_account_id, provider, provider_line_id, number)
       VALUES ($1, $2, $3, 'twilio', 'PN1', '+15005551000')`,
      [randomUUID(), me.orgId, randomUUID()],
    );
    await db.query(
      `INSERT INTO orchestrator.destinations (id, org_id, name, kind, number, is_default) VALUES ($1, $2, 'q', 'phone', '+15550109999', true)`,
      [randomUUID(), me.orgId],
    );
    const created = await api.api<HuntDto>('POST', '/hunts', {
      token: owner.accessToken,
      // Nobody answers (no provider here): the hunt is only read and cancelled.
      body: { phoneNumber: '+15550100003', lines: 1, staggerMs: 0 },
    });
    expect(created.status).toBe(201);
    hunt = created.body;
  });

  afterAll(async () => {
    await orchestrator?.close();
    const nc = await plainNatsClient();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(new SubjectNamespace(fleet.namespace).stream(Streams.EVENTS.name)).catch(() => undefined);
    await jsm.streams.delete(new SubjectNamespace(fleet.namespace).stream(Streams.INGRESS.name)).catch(() => undefined);
    await nc.close();
    await db?.drop();
    await fleet?.stop();
  });

  it('starts, reads, lists and cancels a hunt of the caller’s org', async () => {
    expect(hunt).toMatchObject({ status: 'running', lineCount: 1, phoneNumber: '+15550100003' });
    expect(hunt.legs).toHaveLength(1);
    const read = await api.api<HuntDto>('GET', `/hunts/${hunt.id}`, { token: owner.accessToken });
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(hunt.id);
    const list = await api.api<{ items: { id: string }[] }>('GET', '/hunts?status=running', {
      token: owner.accessToken,
    });
    expect(list.body.items.map((h) => h.id)).toContain(hunt.id);
    const events = await api.api<{ items: { kind: string }[] }>(
      'GET',
      `/hunts/${hunt.id}/legs/${hunt.legs[0].id}/events`,
      {
        token: owner.accessToken,
      },
    );
    expect(events.status).toBe(200);
    expect(events.body.items.map((e) => e.kind)).toContain('leg-created');
  });

  it("answers 404 with the envelope for another org's hunt on every route", async () => {
    const legId = hunt.legs[0].id;
    for (const [method, path] of [
      ['GET', `/hunts/${hunt.id}`],
      ['POST', `/hunts/${hunt.id}/cancel`],
      ['GET', `/hunts/${hunt.id}/legs/${legId}/events`],
    ] as const) {
      const answer = await api.api(method, path, { token: stranger.accessToken });
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expectErrorEnvelope(answer.body, answer.headers);
    }
    const list = await api.api<{ items: unknown[] }>('GET', '/hunts', { token: stranger.accessToken });
    expect(list.body.items).toEqual([]);
  });

  it('answers hostile bodies and paths with 400 and the envelope, and no credentials with 401', async () => {
    for (const body of [
      { phoneNumber: '+15550100001', ivrScript: [{ action: 'digits', digits: '9<Hangup/>', afterMs: 0 }] },
      { phoneNumber: '+15550100001', lines: 1000 },
      { phoneNumber: '+15550100001', detection: { mode: 'maybe', minConfidence: 2 } },
      { phoneNumber: ['+15550100001'] },
      { phoneNumber: '+15550100001', admin: true },
    ]) {
      const answer = await api.api('POST', '/hunts', { token: owner.accessToken, body });
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expectErrorEnvelope(answer.body, answer.headers);
    }
    for (const path of [
      '/hunts/not-a-uuid',
      `/hunts/${hunt.id}/legs/nope/events`,
      '/hunts?limit=100000',
      '/hunts?cursor=%00',
    ]) {
      const answer = await api.api('GET', path, { token: owner.accessToken });
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expectErrorEnvelope(answer.body, answer.headers);
    }
    const anonymous = await api.api('GET', `/hunts/${hunt.id}`);
    expect(anonymous.status).toBe(401);
  });

  it('confirms a live person on a leg: the hunt is won; refusals answer 400/401/403/404/409 with the envelope', async () => {
    const me = (await api.api<MeDto>('GET', '/auth/me', { token: owner.accessToken })).body;
    const account = randomUUID();
    await db.query(
      `INSERT INTO orchestrator.lines (id, org_id, provider_account_id, provider, provider_line_id, number)
       VALUES ($1, $2, $3, 'twilio', 'PN2', '+15005551001'), ($4, $2, $3, 'twilio', 'PN3', '+15005551002')`,
      [randomUUID(), me.orgId, account, randomUUID()],
    );
    const confirmHunt = await api.api<HuntDto>('POST', '/hunts', {
      token: owner.accessToken,
      body: { phoneNumber: '+15550100008', lines: 2, staggerMs: 0, detection: { mode: 'confirm' } },
    });
    expect(confirmHunt.status).toBe(201);
    expect(confirmHunt.body.detection).toEqual({ mode: 'confirm', minConfidence: 0.8 });
    const [live, dialing] = confirmHunt.body.legs;
    // What an answered call on hold looks like (there is no provider in this suite to answer it).
    const callId = randomUUID();
    await db.query(
      `INSERT INTO orchestrator.calls (id, org_id, hunt_id, leg_id, provider, provider_account_id, account_key, provider_call_id,
         from_number, to_number, status, dial_key)
       VALUES ($1, $2, $3, $4, 'twilio', $5, 'AC1', 'CA1', '+15005551001', '+15550100008', 'answered', $6)`,
      [callId, me.orgId, confirmHunt.body.id, live.id, confirmHunt.body.providerAccountId, live.id],
    );
    await db.query(`UPDATE orchestrator.legs SET status = 'holding', call_id = $2 WHERE id = $1`, [live.id, callId]);
    const path = (huntId: string, legId: string) => `/hunts/${huntId}/legs/${legId}/confirm-human`;
    const viewerKey = (
      await api.api<CreatedApiKeyDto>('POST', '/api-keys', {
        token: owner.accessToken,
        body: { name: 'wallboard', role: 'viewer' },
      })
    ).body.key;

    const refusals: [string, { token?: string; headers?: Record<string, string> }, number][] = [
      [`/hunts/not-a-uuid/legs/${live.id}/confirm-human`, { token: owner.accessToken }, 400],
      [path(confirmHunt.body.id, 'nope'), { token: owner.accessToken }, 400],
      [path(confirmHunt.body.id, live.id), {}, 401],
      [path(confirmHunt.body.id, live.id), { headers: { 'x-api-key': viewerKey } }, 403],
      [path(confirmHunt.body.id, live.id), { token: stranger.accessToken }, 404],
      [path(confirmHunt.body.id, randomUUID()), { token: owner.accessToken }, 404],
      [path(hunt.id, live.id), { token: owner.accessToken }, 404],
      // Still dialing: nobody can have heard a person on it.
      [path(confirmHunt.body.id, dialing.id), { token: owner.accessToken }, 409],
    ];
    for (const [where, as, status] of refusals) {
      const answer = await api.api('POST', where, as);
      expect({ where, status: answer.status }).toEqual({ where, status });
      if (status !== 401) expectErrorEnvelope(answer.body, answer.headers);
    }

    const confirmed = await api.api<HuntDto>('POST', path(confirmHunt.body.id, live.id), { token: owner.accessToken });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'transferring', winnerLegId: live.id });
    expect(confirmed.body.legs.find((l) => l.id === dialing.id)).toMatchObject({
      status: 'ended',
      endReason: 'lost-race',
    });
    const late = await api.api('POST', path(confirmHunt.body.id, dialing.id), { token: owner.accessToken });
    expect(late.status).toBe(409);
    expectErrorEnvelope(late.body, late.headers);
    const [row] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orchestrator.lines WHERE leased_hunt_id = $1',
      [confirmHunt.body.id],
    );
    expect(row.n).toBe(1);
  });

  it('cancels: every leg ended, the line free', async () => {
    const cancelled = await api.api<HuntDto>('POST', `/hunts/${hunt.id}/cancel`, { token: owner.accessToken });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.legs.every((l) => l.status === 'ended' && l.endReason === 'cancelled')).toBe(true);
    const [row] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orchestrator.lines WHERE leased_hunt_id = $1',
      [hunt.id],
    );
    expect(row.n).toBe(0);
  });
});
