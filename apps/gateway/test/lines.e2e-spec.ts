import type { CreatedApiKeyDto, LineDto, LineListDto, ProviderAccountDto } from '@callfleet/contracts';
import { expectErrorEnvelope, startTestService, TestDatabase } from '@callfleet/testing';
import { callOrchestratorService } from '../../call-orchestrator/src/call-orchestrator.definition';
import { webhookIngestService } from '../../webhook-ingest/src/webhook-ingest.definition';
import { SIM_TWILIO, Simulator } from '../../webhook-ingest/test/simulator';
import { type GatewayClient, GatewayFleet, registration, type TokenPair } from './gateway-fleet';

/** /api/v1/lines: the simulator's 250 numbers synced by call-orchestrator, read and changed through the gateway. */
describe('gateway: lines (auth + gateway + webhook-ingest + call-orchestrator, real NATS and PostgreSQL)', () => {
  let fleet: GatewayFleet;
  let sim: Simulator;
  let dbs: TestDatabase[];
  let services: Awaited<ReturnType<typeof startTestService>>[];
  let api: GatewayClient;
  let owner: TokenPair;
  let stranger: TokenPair;
  let viewerKey: string;
  let account: ProviderAccountDto;

  beforeAll(async () => {
    fleet = await GatewayFleet.start({ RATE_LIMIT_REGISTER: '50/15m', RATE_LIMIT_ANONYMOUS: '1000/15m' });
    sim = await Simulator.start({ LOG_LEVEL: 'warn' });
    dbs = [await TestDatabase.create(), await TestDatabase.create()];
    services = [
      await startTestService(webhookIngestService, {
        namespace: fleet.namespace,
        databaseUrl: dbs[0].url,
        env: { DEV_PROVIDER_ACCOUNTS: 'false' },
      }),
      await startTestService(callOrchestratorService, { namespace: fleet.namespace, databaseUrl: dbs[1].url }),
    ];
    api = fleet.client();
    owner = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('lines-a') })).body;
    stranger = (await api.api<TokenPair>('POST', '/auth/register', { body: registration('lines-b') })).body;
    viewerKey = (
      await api.api<CreatedApiKeyDto>('POST', '/api-keys', {
        token: owner.accessToken,
        body: { name: 'wallboard', role: 'viewer' },
      })
    ).body.key;
    account = (
      await api.api<ProviderAccountDto>('POST', '/provider-accounts', {
        token: owner.accessToken,
        body: { provider: 'twilio', name: 'simulated', apiBaseUrl: sim.url, credentials: SIM_TWILIO },
      })
    ).body;
  });

  afterAll(async () => {
    for (const service of (services ?? []).reverse()) await service.close();
    await sim?.stop();
    for (const db of dbs ?? []) await db.drop();
    await fleet?.stop();
  });

  it('syncs 250 lines and pages through them with the cursor', async () => {
    const synced = await api.api('POST', '/lines/sync', {
      token: owner.accessToken,
      body: { providerAccountId: account.id },
    });
    expect(synced).toMatchObject({ status: 200, body: { added: 250, updated: 0, removed: 0 } });

    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await api.api<LineListDto>('GET', `/lines?limit=60${query}`, { token: owner.accessToken });
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((l) => l.id));
      cursor = page.body.nextCursor;
    } while (cursor && ids.length < 1000);
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
  });

  it('patches a line, and filters by pool, enabled and available from the query string', async () => {
    const [line] = (await api.api<LineListDto>('GET', '/lines?limit=1', { token: owner.accessToken })).body.items;
    const patched = await api.api<LineDto>('PATCH', `/lines/${line.id}`, {
      token: owner.accessToken,
      body: { enabled: false, pools: ['east'] },
    });
    expect(patched).toMatchObject({ status: 200, body: { ...line, enabled: false, pools: ['east'] } });
    const east = await api.api<LineListDto>('GET', '/lines?pool=east', { token: owner.accessToken });
    expect(east.body.items.map((l) => l.id)).toEqual([line.id]);
    const disabled = await api.api<LineListDto>('GET', '/lines?enabled=false', { token: owner.accessToken });
    expect(disabled.body.items.map((l) => l.id)).toEqual([line.id]);
    const free = await api.api<LineListDto>('GET', '/lines?available=true&limit=500', { token: owner.accessToken });
    expect(free.body.items).toHaveLength(249);
  });

  it("answers another org's line 404, and its list is empty", async () => {
    const [line] = (await api.api<LineListDto>('GET', '/lines?limit=1', { token: owner.accessToken })).body.items;
    const foreign = await api.api('PATCH', `/lines/${line.id}`, {
      token: stranger.accessToken,
      body: { enabled: true },
    });
    expect(foreign.status).toBe(404);
    expectErrorEnvelope(foreign.body, foreign.headers);
    const foreignSync = await api.api('POST', '/lines/sync', {
      token: stranger.accessToken,
      body: { providerAccountId: account.id },
    });
    expect(foreignSync.status).toBe(404);
    const list = await api.api<LineListDto>('GET', '/lines', { token: stranger.accessToken });
    expect(list.body).toEqual({ items: [], nextCursor: null });
  });

  it('lets a viewer read but not sync or patch (403)', async () => {
    const headers = { 'x-api-key': viewerKey };
    const list = await api.api<LineListDto>('GET', '/lines?limit=2', { headers });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    const sync = await api.api('POST', '/lines/sync', { headers, body: { providerAccountId: account.id } });
    expect(sync.status).toBe(403);
    expectErrorEnvelope(sync.body, sync.headers);
    const patch = await api.api('PATCH', `/lines/${list.body.items[0].id}`, { headers, body: { enabled: false } });
    expect(patch.status).toBe(403);
  });

  it('answers hostile input with 400 and the error envelope', async () => {
    const [line] = (await api.api<LineListDto>('GET', '/lines?limit=1', { token: owner.accessToken })).body.items;
    const token = owner.accessToken;
    const answers = [
      await api.api('POST', '/lines/sync', { token, body: { providerAccountId: 'nope' } }),
      await api.api('POST', '/lines/sync', { token, body: [] }),
      await api.api('POST', '/lines/sync', {
        token,
        rawBody: '{"providerAccountId":',
        headers: { 'content-type': 'application/json' },
      }),
      await api.api('GET', '/lines?limit=0', { token }),
      await api.api('GET', '/lines?enabled=perhaps', { token }),
      await api.api('GET', '/lines?cursor=%00%00', { token }),
      await api.api('GET', '/lines?pool=a%20b', { token }),
      await api.api('PATCH', '/lines/not-a-uuid', { token, body: { enabled: true } }),
      await api.api('PATCH', `/lines/${line.id}`, { token, body: { pools: ['<script>'] } }),
      await api.api('PATCH', `/lines/${line.id}`, { token, body: { enabled: 'yes' } }),
      await api.api('PATCH', `/lines/${line.id}`, { token, body: { number: '+15550000000' } }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expectErrorEnvelope(answer.body, answer.headers);
    }
    const unauthenticated = await api.api('GET', '/lines');
    expect(unauthenticated.status).toBe(401);
  });
});
