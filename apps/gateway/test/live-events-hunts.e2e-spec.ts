import { randomUUID } from 'node:crypto';
import { type HuntDto, HuntEventSubjects, type MeDto, Streams } from '@callfleet/contracts';
import { SubjectNamespace } from '@callfleet/platform';
import { plainNatsClient, startTestService, TestDatabase, waitFor } from '@callfleet/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { callOrchestratorService } from '../../call-orchestrator/src/call-orchestrator.definition';
import { type GatewayClient, GatewayFleet, registration, type TokenPair } from './gateway-fleet';
import { SseClient } from './sse-client';

/**
 * A hunt's own events, as call-orchestrator's outbox publishes them, on GET /api/v1/events: in order,
 * to its org only, and the same sequence again when replayed with Last-Event-ID (real NATS,
 * PostgreSQL, auth, gateway and call-orchestrator; no provider: the hunt is started and cancelled).
 */
describe('gateway: live events of a real hunt (call-orchestrator’s outbox → SSE)', () => {
  let fleet: GatewayFleet;
  let db: TestDatabase;
  let orchestrator: Awaited<ReturnType<typeof startTestService>>;
  let api: GatewayClient;
  let owner: TokenPair;
  let stranger: TokenPair;
  const open: SseClient[] = [];

  const stream = async (token: string, query = '', headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${api.baseUrl}/api/v1/events${query}`, {
      authorization: `Bearer ${token}`,
      ...headers,
    });
    open.push(client);
    expect(client.status).toBe(200);
    await waitFor(async () => client.named('ready').length > 0, 10_000, 'the stream to be ready');
    return client;
  };

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
    owner = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('live-hunt-a') })).body;
    stranger = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('live-hunt-b') })).body;
    const me = (await api.api<MeDto>('GET', '/auth/me', { token: owner.accessToken })).body;
    // The org's line and default destination, as line sync and the destinations API write them.
    await db.query(
      `INSERT INTO orchestrator.lines (id, org_id, provider_account_id, provider, provider_line_id, number)
       VALUES ($1, $2, $3, 'twilio', 'PN1', '+15005551000')`,
      [randomUUID(), me.orgId, randomUUID()],
    );
    await db.query(
      `INSERT INTO orchestrator.destinations (id, org_id, name, kind, number, is_default) VALUES ($1, $2, 'q', 'phone', '+15550109999', true)`,
      [randomUUID(), me.orgId],
    );
  });

  afterAll(async () => {
    for (const client of open) client.close();
    await orchestrator?.close();
    const nc = await plainNatsClient();
    const jsm = await jetstreamManager(nc);
    const ns = new SubjectNamespace(fleet.namespace);
    await jsm.streams.delete(ns.stream(Streams.EVENTS.name)).catch(() => undefined);
    await jsm.streams.delete(ns.stream(Streams.INGRESS.name)).catch(() => undefined);
    await nc.close();
    await db?.drop();
    await fleet?.stop();
  });

  it('streams a hunt from created to cancelled, in order, to its org only, and replays it exactly', async () => {
    const live = await stream(owner.accessToken);
    const strangers = await stream(stranger.accessToken);
    const created = await api.api<HuntDto>('POST', '/hunts', {
      token: owner.accessToken,
      body: { phoneNumber: '+15550100003', lines: 1, staggerMs: 0 },
    });
    expect(created.status).toBe(201);
    const hunt = created.body;
    const cancelled = await api.api<HuntDto>('POST', `/hunts/${hunt.id}/cancel`, { token: owner.accessToken });
    expect(cancelled.status).toBe(200);
    await waitFor(
      async () => live.events().some((e) => e.envelope.type === HuntEventSubjects.CANCELLED),
      15_000,
      'the cancelled event',
    );
    const ofHunt = live.events().filter((e) => e.envelope.data.huntId === hunt.id);
    // Every event of the hunt's life, in the order the outbox stored them (the engine stores the leg's
    // first move, null → dialing, just before `created`, in the same transaction).
    expect(ofHunt.map((e) => e.envelope.type)).toContain(HuntEventSubjects.CREATED);
    expect(ofHunt.at(-1)?.envelope.type).toBe(HuntEventSubjects.CANCELLED);
    const ids = ofHunt.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    // The leg's moves are among them, each naming the hunt's leg.
    const legMoves = ofHunt.filter((e) => e.envelope.type === HuntEventSubjects.LEG_STATUS_CHANGED);
    expect(legMoves.length).toBeGreaterThan(0);
    expect(legMoves.every((e) => e.envelope.data.legId === hunt.legs[0].id)).toBe(true);

    // Replayed for this hunt from before its first event: the same events, same ids, same order.
    const replay = await stream(owner.accessToken, `?huntId=${hunt.id}`, { 'last-event-id': String(ids[0] - 1) });
    await waitFor(async () => replay.events().length >= ids.length, 10_000, 'the replay');
    expect(replay.events().map((e) => [e.id, e.envelope.id])).toEqual(ofHunt.map((e) => [e.id, e.envelope.id]));

    // The other org's stream, open all along, got nothing of it.
    expect(strangers.events().filter((e) => e.envelope.data.huntId === hunt.id)).toEqual([]);
  });
});
